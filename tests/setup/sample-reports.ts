/**
 * dsregcmd /status text used by the API tests. Imitates a healthy hybrid-joined Windows 11 23H2 machine
 * captured in the user's session (the layout of docs/domain.md, *Reading `dsregcmd /status`*), and the same machine after its
 * directory object was deleted (AADSTS50155).
 */
const RULE = `+${"-".repeat(70)}+`;
const header = (name: string) => [RULE, `| ${name.padEnd(69)}|`, RULE, ""];
const field = (k: string, v: string) => `${k.padStart(26)} : ${v}`.trimEnd();

export interface SampleOptions {
  deviceId?: string;
  tenantId?: string;
  thumbprint?: string;
  deleted?: boolean;
  hostname?: string;
}

export function sampleDsregcmd(o: SampleOptions = {}): string {
  const deviceId = o.deviceId ?? "6e4cbe68-588b-499c-8c04-dcfff140a1ca";
  const tenantId = o.tenantId ?? "aaaabbbb-0000-cccc-1111-dddd2222eeee";
  const thumbprint = o.thumbprint ?? "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C";
  const host = o.hostname ?? "PC-0142";
  const lines = [
    ...header("Device State"),
    field("AzureAdJoined", "YES"),
    field("EnterpriseJoined", "NO"),
    field("DomainJoined", "YES"),
    field("DomainName", "CONTOSO"),
    field("Virtual Desktop", "NOT SET"),
    field("Device Name", `${host}.corp.contoso.com`),
    "",
    ...header("Device Details"),
    field("DeviceId", deviceId),
    field("Thumbprint", thumbprint),
    field("DeviceCertificateValidity", "[ 2024-11-05 08:12:40.000 UTC -- 2034-11-05 08:42:40.000 UTC ]"),
    field("KeyContainerId", "1c68a06c-38a6-4614-a03d-5b00df256789"),
    field("KeyProvider", "Microsoft Platform Crypto Provider"),
    field("TpmProtected", "YES"),
    field("DeviceAuthStatus", o.deleted ? "FAILED. Device is either disabled or deleted" : "SUCCESS"),
    "",
    ...header("Tenant Details"),
    field("TenantName", "Contoso"),
    field("TenantId", tenantId),
    field("Idp", "login.windows.net"),
    "",
    ...header("User State"),
    field("NgcSet", "YES"),
    field("WorkplaceJoined", "NO"),
    field("WamDefaultSet", "YES"),
    "",
    ...header("SSO State"),
    ...(o.deleted
      ? [
          field("AzureAdPrt", "NO"),
          field("AzureAdPrtAuthority", ""),
          field("EnterprisePrt", "NO"),
          field("EnterprisePrtAuthority", ""),
          "",
          field("AcquirePrtDiagnostics", "PRESENT"),
          field("Previous Prt Attempt", "2026-11-29 07:40:12.000 UTC"),
          field("Attempt Status", "0xc000006d"),
          field("User Identity", "jdoe@contoso.com"),
          field("Credential Type", "Password"),
          field("Correlation ID", "4f1b8e2a-1c3d-4e5f-9a8b-7c6d5e4f3a2b"),
          field("Endpoint URI", `https://login.microsoftonline.com/${tenantId}/oauth2/token`),
          field("HTTP Method", "POST"),
          field("HTTP Error", "0x0"),
          field("HTTP status", "400"),
          field("Server Error Code", "invalid_grant"),
          field("Server Error Description", "AADSTS50155: Device authentication failed for user."),
        ]
      : [
          field("AzureAdPrt", "YES"),
          field("AzureAdPrtUpdateTime", "2026-11-29 06:00:27.000 UTC"),
          field("AzureAdPrtExpiryTime", "2026-12-13 06:01:41.000 UTC"),
          field("AzureAdPrtAuthority", `https://login.microsoftonline.com/${tenantId}`),
          field("EnterprisePrt", "NO"),
          field("EnterprisePrtAuthority", ""),
        ]),
    "",
    ...header("Diagnostic Data"),
    field("AadRecoveryEnabled", "NO"),
    field("Executing Account Name", "CONTOSO\\jdoe, jdoe@contoso.com"),
    field("KeySignTest", "MUST Run elevated to test."),
    "",
    ...header("WinHttp Default Proxy Config"),
    field("Access Type", "DIRECT"),
    "",
    "For more information, please visit https://www.microsoft.com/aadjerrors",
    "",
  ];
  return lines.join("\r\n");
}

export function sampleUpload(o: SampleOptions & { capturedAt?: string; events?: unknown[] } = {}) {
  return {
    hostname: o.hostname ?? "PC-0142",
    capturedAt: o.capturedAt ?? "2026-11-29T07:45:00Z",
    agentVersion: "1.0.0",
    dsregcmd: sampleDsregcmd(o),
    events: o.events ?? [
      {
        id: 1098,
        time: "2026-11-29T07:40:12Z",
        level: "Error",
        task: "AadTokenBrokerPlugin Operation",
        message: "Error: 0xCAA5004B Logon failure. Code: invalid_grant Description: AADSTS50155: Device authentication failed",
      },
    ],
    computerDn: "CN=PC-0142,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com",
  };
}
