/**
 * Recorded upload bodies, exactly as public/agent/Invoke-JoinScopeAgent.ps1 builds them, for the agent
 * payload tests (tests/agent/*.test.ts, tests/integration/agent-payloads.test.ts). The JSON files in
 * ./fixtures are written by `npx tsx tests/agent/generate-agent-fixtures.ts` from the dsregcmd captures
 * in lib/reports/fixtures; this list says what each one imitates and what the server must make of it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const CONTOSO_TENANT_ID = "9b4a1a97-6a87-46a9-9671-f9a62bdd307b";
export const WOODGROVE_TENANT_ID = "1e6a1eba-19cd-48e7-8f31-25023720fd54";

export interface AgentFixture {
  file: string;
  description: string;
  /** The PowerShell that serialised it: 5.1 escapes `<>&'` as \u003c… */
  edition: "5.1" | "7";
  /** The tenant the agent token belongs to (the report's own tenant: no tenant-mismatch). */
  tenantId: string;
  hostname: string;
  expected: {
    deviceId: string | null;
    joinType: "hybrid" | "entra" | "registered" | "domain" | "none";
    hasSystemCapture: boolean;
    /** Rules that must be among the findings. */
    rules: string[];
    /** Rules that must not be. */
    absentRules: string[];
  };
}

export const AGENT_FIXTURES: AgentFixture[] = [
  {
    file: "hybrid-user-and-system.json",
    description:
      "PowerShell 7 as SYSTEM on a healthy hybrid Windows 11 21H2 PC: user capture (nestor.wilke, PRT YES) from the one-shot task, the SYSTEM capture, AAD and UDR events, ADSI DN and objectGUID",
    edition: "7",
    tenantId: CONTOSO_TENANT_ID,
    hostname: "PC-0387",
    expected: {
      deviceId: "3dc7d8c5-adbf-436c-ae35-0379b81500f1",
      joinType: "hybrid",
      hasSystemCapture: true,
      rules: [],
      absentRules: ["user-context-not-captured", "prt-missing", "device-auth-failed", "tenant-mismatch"],
    },
  },
  {
    file: "hybrid-no-user-signed-in.json",
    description:
      "Windows PowerShell 5.1 as SYSTEM at night on a hybrid Windows 10 22H2 PC with nobody signed in: the SYSTEM capture goes in dsregcmd, no dsregcmdSystem; UDR events only (the AAD log is empty); DN from the Group Policy registry copy, no DC reachable so no objectGuid",
    edition: "5.1",
    tenantId: CONTOSO_TENANT_ID,
    hostname: "PC-0218",
    expected: {
      deviceId: "3ef03f99-a5b3-4c20-ae6b-163a8770d3bc",
      joinType: "hybrid",
      hasSystemCapture: false,
      rules: ["user-context-not-captured"],
      absentRules: ["prt-missing", "tenant-mismatch"],
    },
  },
  {
    file: "hybrid-deleted-redacted.json",
    description:
      "-RedactUserNames on a hybrid Windows 10 21H1 PC whose directory object was deleted (AADSTS50155): megan.bowen and every UPN in both captures and in the event messages replaced by user-xxxxxx, domains kept",
    edition: "7",
    tenantId: CONTOSO_TENANT_ID,
    hostname: "PC-0455",
    expected: {
      deviceId: "52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b",
      joinType: "hybrid",
      hasSystemCapture: true,
      rules: ["device-auth-failed"],
      absentRules: ["user-context-not-captured", "tenant-mismatch"],
    },
  },
  {
    file: "hybrid-ps51-non-ascii.json",
    description:
      "Windows PowerShell 5.1 on a hybrid Windows 11 23H2 PC signed in as jörg.müller: CRLF captures, non-ASCII account name sent as UTF-8 bytes without a BOM, 5.1's \\u0027-style escapes, software key (TpmProtected NO)",
    edition: "5.1",
    tenantId: CONTOSO_TENANT_ID,
    hostname: "PC-0019",
    expected: {
      deviceId: "368c996b-2e0f-4cc2-8486-03352e3d2864",
      joinType: "hybrid",
      hasSystemCapture: true,
      rules: ["tpm-not-protected"],
      absentRules: ["user-context-not-captured", "tenant-mismatch"],
    },
  },
  {
    file: "registered-workgroup.json",
    description:
      "PowerShell 7 as SYSTEM on an Entra registered Windows 10 21H2 workgroup PC (Woodgrove Bank work account added by the user): WorkplaceJoined YES only in the user capture; no DN, no objectGuid",
    edition: "7",
    tenantId: WOODGROVE_TENANT_ID,
    hostname: "WS-HOME-7731",
    expected: {
      deviceId: "6da9f566-5223-49d4-8c5c-22d50b902984",
      joinType: "registered",
      hasSystemCapture: true,
      rules: [],
      absentRules: ["user-context-not-captured", "not-joined", "tenant-mismatch"],
    },
  },
];

const DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** The recorded body, byte for byte. */
export function readAgentFixture(file: string): Buffer {
  if (file.includes("/") || file.includes("\\")) throw new Error(`Fixture names are bare file names: ${file}`);
  return readFileSync(DIR + file);
}

export const AGENT_FIXTURE_DIR = DIR;
