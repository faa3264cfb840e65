/**
 * Writes tests/agent/fixtures/*.json: the upload bodies Invoke-JoinScopeAgent.ps1 would send on the
 * machines described in ./agent-fixtures.ts. Captures come from lib/reports/fixtures; the SYSTEM
 * capture of the same machine is derived from the user's one by changing what SYSTEM sees differently
 * (no PRT, no WAM default, no per-user Workplace registration, KeySignTest runs).
 *
 *   npx tsx tests/agent/generate-agent-fixtures.ts
 *
 * agent-fixtures.test.ts checks that the committed files equal what this produces.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AGENT_FIXTURE_DIR } from "./agent-fixtures";
import { AGENT_VERSION, inProcessCapture, redactPayload, serializePayload, type AgentEvent, type AgentPayload } from "./agent-payload";

const CAPTURES = fileURLToPath(new URL("../../lib/reports/fixtures/", import.meta.url));
const capture = (name: string) => readFileSync(CAPTURES + name, "utf8");

/** The salt a fleet would pass as -RedactionSalt; fixed so the fixture is reproducible. */
export const FIXTURE_REDACTION_SALT = "contoso-joinscope-2021";

const field = (key: string, value: string) => `${key.padStart(26)} : ${value}`.trimEnd();

function setField(text: string, key: string, value: string | null): string {
  const pattern = new RegExp(String.raw`^ *${key} :.*(\r?\n)`, "m");
  return text.replace(pattern, (_line, eol: string) => (value === null ? "" : field(key, value) + eol));
}

function dropSection(text: string, name: string): string {
  // A section is its three header lines plus the body up to the next header's first rule.
  const lines = text.split("\n");
  const isRule = (line: string | undefined) => (line ?? "").trimEnd() === `+${"-".repeat(70)}+`;
  const header = lines.findIndex((line, i) => line.startsWith(`| ${name} `) && isRule(lines[i - 1]));
  if (header < 0) return text;
  let end = header + 2;
  while (end < lines.length && !isRule(lines[end]) && !lines[end]!.startsWith("For more information")) end++;
  lines.splice(header - 1, end - header + 1);
  return lines.join("\n");
}

/** What `dsregcmd /status` prints as SYSTEM on the machine whose user capture is `user`. */
export function systemCaptureOf(user: string): string {
  let text = user;
  text = setField(text, "NgcSet", "NO");
  text = setField(text, "NgcKeyId", null);
  text = setField(text, "CanReset", null);
  text = setField(text, "WorkplaceJoined", "NO");
  text = setField(text, "WorkAccountCount", null);
  text = setField(text, "WamDefaultSet", "ERROR (0x80070520)");
  text = setField(text, "WamDefaultAuthority", null);
  text = setField(text, "WamDefaultId", null);
  text = setField(text, "WamDefaultGUID", null);
  if (/^ *AzureAdPrt : YES/m.test(text)) {
    text = setField(text, "AzureAdPrt", "NO");
    text = setField(text, "AzureAdPrtUpdateTime", null);
    text = setField(text, "AzureAdPrtExpiryTime", null);
    text = setField(text, "AzureAdPrtAuthority", "");
  }
  text = setField(text, "OnPremTgt", "NO");
  text = setField(text, "CloudTgt", "NO");
  text = setField(text, "KerbTopLevelNames", null);
  text = setField(text, "Executing Account Name", "NT AUTHORITY\\SYSTEM");
  text = setField(text, "KeySignTest", "PASSED");
  text = dropSection(text, "Work Account 1");
  return inProcessCapture(text);
}

/** cmd.exe `dsregcmd /status > file`: the bytes as printed, CRLF. */
const taskCapture = (text: string) => text.replace(/\r?\n/g, "\r\n");

const ev = (id: number, time: string, level: string, task: string | null, log: "aad" | "udr", message: string): AgentEvent => ({
  id,
  time,
  level,
  task,
  log: log === "aad" ? "Microsoft-Windows-AAD/Operational" : "Microsoft-Windows-User Device Registration/Admin",
  message,
});

const CONTOSO = "9b4a1a97-6a87-46a9-9671-f9a62bdd307b";

function healthyHybrid(): AgentPayload {
  const user = capture("win11-21h2-hybrid.txt");
  return {
    hostname: "PC-0387",
    capturedAt: "2022-06-13T09:02:41.5183305Z",
    agentVersion: AGENT_VERSION,
    dsregcmd: taskCapture(user),
    dsregcmdSystem: systemCaptureOf(user),
    events: [
      ev(
        1098,
        "2022-06-13T08:51:07.2214563Z",
        "Error",
        "AadTokenBrokerPlugin Operation",
        "aad",
        `Error: 0xCAA2000C The request requires user interaction.\r\nCode: interaction_required\r\nDescription: AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'. Trace ID: 5d1c9b3e-27a4-4f7e-9c61-0b8f2e4d7a00 Correlation ID: 6a3f0c2d-8e51-4b7a-a9d4-1c2e3f4a5b6c Timestamp: 2022-06-13 08:51:07Z\r\nTenantId: ${CONTOSO}\r\nClientId: d3590ed6-52b3-4102-aeff-aad2292ab01c\r\nLogged at OAuthTokenRequest.cpp, line: 405, method: OAuthTokenRequest::Process.\r\n\r\nRequest: authority: https://login.microsoftonline.com/common, client: d3590ed6-52b3-4102-aeff-aad2292ab01c, redirect URI: urn:ietf:wg:oauth:2.0:oob, resource: https://graph.microsoft.com, correlation ID (request): 6a3f0c2d-8e51-4b7a-a9d4-1c2e3f4a5b6c\r\n`,
      ),
      ev(
        1097,
        "2022-06-13T08:45:14.9071182Z",
        "Warning",
        "AadTokenBrokerPlugin Operation",
        "aad",
        "Error: 0x4AA50081 An application specific account is loading in cloud joined session.\r\nLogged at AadTokenBrokerPlugin.cpp, line: 4304, method: TokenBrokerPlugin::GetTokenSilently.\r\n",
      ),
      ev(
        360,
        "2022-06-13T08:44:58.1180347Z",
        "Warning",
        null,
        "udr",
        "Windows Hello for Business provisioning will not be launched. \r\nDevice is AAD joined ( AADJ or DJ++ ): Yes \r\nUser is logged on with AAD credentials: Yes \r\nWindows Hello for Business policy is enabled: Not Tested \r\nWindows Hello for Business post-logon provisioning is enabled: Not Tested \r\nLocal computer meets Windows hello for business hardware requirements: Not Tested \r\nUser is not connected to the machine via Remote Desktop: Yes \r\nUser certificate for on premise auth policy is enabled: Not Tested \r\nEnterprise user logon certificate enrollment endpoint is ready: Not Tested \r\nEnterprise user logon certificate template is : Not Tested \r\nUser has successfully authenticated to the enterprise STS: Not Tested \r\nCertificate enrollment method: enrollment authority \r\nSee https://go.microsoft.com/fwlink/?linkid=832647 for more details.",
      ),
      ev(358, "2022-06-13T08:44:58.0712234Z", "Information", null, "udr", "Windows Hello for Business prerequisites check started."),
    ],
    computerDn: "CN=PC-0387,OU=Workstations,OU=Munich,DC=corp,DC=contoso,DC=com",
    objectGuid: "3dc7d8c5-adbf-436c-ae35-0379b81500f1",
    osBuild: "22000.739 (21H2)",
  };
}

function noUserSignedIn(): AgentPayload {
  const system = capture("win10-22h2-hybrid-system.txt");
  return {
    hostname: "PC-0218",
    capturedAt: "2022-11-02T03:15:44.1029384Z",
    agentVersion: AGENT_VERSION,
    dsregcmd: inProcessCapture(system),
    events: [
      ev(
        360,
        "2022-11-01T16:58:31.6640912Z",
        "Warning",
        null,
        "udr",
        "Windows Hello for Business provisioning will not be launched. \r\nDevice is AAD joined ( AADJ or DJ++ ): Yes \r\nUser is logged on with AAD credentials: No \r\nWindows Hello for Business policy is enabled: Yes \r\nWindows Hello for Business post-logon provisioning is enabled: Yes \r\nLocal computer meets Windows hello for business hardware requirements: Yes \r\nUser is not connected to the machine via Remote Desktop: Yes \r\nUser certificate for on premise auth policy is enabled: Not Tested \r\nEnterprise user logon certificate enrollment endpoint is ready: Not Tested \r\nEnterprise user logon certificate template is : Not Tested \r\nUser has successfully authenticated to the enterprise STS: Not Tested \r\nCertificate enrollment method: enrollment authority \r\nSee https://go.microsoft.com/fwlink/?linkid=832647 for more details.",
      ),
      ev(335, "2022-11-01T07:02:10.4481904Z", "Information", null, "udr", "Automatic device join pre-check tasks completed. The device is already joined."),
    ],
    computerDn: "CN=PC-0218,OU=Workstations,OU=Leeds,DC=corp,DC=contoso,DC=com",
    osBuild: "19045.2251 (22H2)",
  };
}

function deletedRedacted(): AgentPayload {
  const user = capture("win10-21h1-hybrid-deleted.txt");
  const payload: AgentPayload = {
    hostname: "PC-0455",
    capturedAt: "2021-09-14T08:05:13.2876120Z",
    agentVersion: AGENT_VERSION,
    dsregcmd: taskCapture(user),
    dsregcmdSystem: systemCaptureOf(user),
    events: [
      ev(
        1081,
        "2021-09-14T07:58:21.4410032Z",
        "Error",
        "AadCloudAPPlugin Operation",
        "aad",
        `OAuth response error: invalid_grant\r\nError description: AADSTS50155: Device authentication failed for user. Trace ID: 71aec6b3-f7f8-47c1-bb45-3d989b23c0f2 Correlation ID: 03ec7df3-7441-44da-881d-8108aded3709 Timestamp: 2021-09-14 07:58:21Z\r\nCorrelationID: 03ec7df3-7441-44da-881d-8108aded3709\r\n`,
      ),
      ev(
        1098,
        "2021-09-14T07:58:21.4502291Z",
        "Error",
        "AadCloudAPPlugin Operation",
        "aad",
        "Error: 0xC000000D An invalid parameter was passed to a service or function.\r\nLogged at PrimaryRefreshTokenRequest.cpp, line: 286, method: PrimaryRefreshTokenRequest::ProcessResponse.\r\n\r\nRequest: authority: https://login.microsoftonline.com/common, client: 38aa3b87-a06d-4817-b275-7a316988d93b, redirect URI: ms-appx-web://Microsoft.AAD.BrokerPlugin/38aa3b87-a06d-4817-b275-7a316988d93b, user: megan.bowen@contoso.com, correlation ID (request): 03ec7df3-7441-44da-881d-8108aded3709\r\n",
      ),
      ev(
        1144,
        "2021-09-14T07:58:20.9925518Z",
        "Information",
        "AadCloudAPPlugin Operation",
        "aad",
        "User name was supplied for the PRT request.\r\nUPN: megan.bowen@contoso.com\r\nDomain: CONTOSO\r\nAccount: CONTOSO\\megan.bowen\r\n",
      ),
    ],
    computerDn: "CN=PC-0455,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com",
    objectGuid: "52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b",
    osBuild: "19043.1237 (21H1)",
  };
  return redactPayload(payload, FIXTURE_REDACTION_SALT, "CONTOSO\\megan.bowen");
}

function ps51NonAscii(): AgentPayload {
  const user = capture("win11-23h2-hybrid.txt");
  return {
    hostname: "PC-0019",
    capturedAt: "2025-11-03T09:30:07.9071452Z",
    agentVersion: AGENT_VERSION,
    dsregcmd: taskCapture(user),
    dsregcmdSystem: systemCaptureOf(user),
    events: [
      ev(
        1098,
        "2025-11-03T07:20:44.0031127Z",
        "Error",
        "AadTokenBrokerPlugin Operation",
        "aad",
        `Error: 0xCAA2000C The request requires user interaction.\r\nCode: interaction_required\r\nDescription: AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access 'https://outlook.office365.com'. Trace ID: 0b7e8d1c-5a6f-4c3d-8e2b-9f1a0c4d3e21 Correlation ID: 2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5f70 Timestamp: 2025-11-03 07:20:43Z\r\nTenantId: ${CONTOSO}\r\nClientId: 5e3ce6c0-2b1f-4285-8d4b-75ee78787346\r\nLogged at OAuthTokenRequest.cpp, line: 405, method: OAuthTokenRequest::Process.\r\n\r\nRequest: authority: https://login.microsoftonline.com/common, client: 5e3ce6c0-2b1f-4285-8d4b-75ee78787346, redirect URI: ms-appx-web://Microsoft.AAD.BrokerPlugin/5e3ce6c0-2b1f-4285-8d4b-75ee78787346, resource: https://outlook.office365.com, correlation ID (request): 2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5f70\r\n`,
      ),
    ],
    computerDn: "CN=PC-0019,OU=Workstations,OU=Zürich,DC=corp,DC=contoso,DC=com",
    objectGuid: "368c996b-2e0f-4cc2-8486-03352e3d2864",
    osBuild: "22631.4460 (23H2)",
  };
}

function registeredWorkgroup(): AgentPayload {
  const user = capture("win10-21h2-registered.txt");
  return {
    hostname: "WS-HOME-7731",
    capturedAt: "2022-03-09T10:12:55.3319470Z",
    agentVersion: AGENT_VERSION,
    dsregcmd: taskCapture(user),
    dsregcmdSystem: systemCaptureOf(user),
    events: [],
    osBuild: "19044.1566 (21H2)",
  };
}

export const FIXTURE_BUILDERS: Record<string, { build: () => AgentPayload; edition: "5.1" | "7" }> = {
  "hybrid-user-and-system.json": { build: healthyHybrid, edition: "7" },
  "hybrid-no-user-signed-in.json": { build: noUserSignedIn, edition: "5.1" },
  "hybrid-deleted-redacted.json": { build: deletedRedacted, edition: "7" },
  "hybrid-ps51-non-ascii.json": { build: ps51NonAscii, edition: "5.1" },
  "registered-workgroup.json": { build: registeredWorkgroup, edition: "7" },
};

/** The bytes the script would POST for each fixture. Events are sorted newest first, as the script does. */
export function buildAgentFixtures(): { file: string; bytes: Buffer }[] {
  return Object.entries(FIXTURE_BUILDERS).map(([file, { build, edition }]) => {
    const payload = build();
    payload.events = [...payload.events].sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
    return { file, bytes: serializePayload(payload, edition) };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const { file, bytes } of buildAgentFixtures()) {
    writeFileSync(AGENT_FIXTURE_DIR + file, bytes);
    console.log(`wrote tests/agent/fixtures/${file} (${bytes.length} bytes)`);
  }
}
