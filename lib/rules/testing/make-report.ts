import type { AgentEvent, DsregSection, ParsedDsregcmd } from "@/lib/reports/types";
import type { ReportRuleInput } from "@/lib/rules/report-rule-input";

/**
 * Builds ParsedDsregcmd objects for rule tests. The default imitates the healthy hybrid Windows 11
 * sample of a Windows 11 hybrid joined device (`dsregcmd /status` in the user's session, unelevated). The boxed
 * sections are generated from the structured fields, so the lines the rules quote as evidence
 * always agree with the parsed values; `extra` adds or replaces lines such as the SSO State
 * attempt diagnostics or the pre-join Diagnostic Data.
 */
export interface MakeReportOptions extends Partial<Omit<ParsedDsregcmd, "sections">> {
  /** Lines to add to (or replace in) a section, e.g. `{ "SSO State": { "Attempt Status": "0xc000006d" } }`. Empty string values are kept. */
  extra?: Record<string, Record<string, string>>;
  /** Lines to drop, e.g. `{ "Diagnostic Data": ["KeySignTest"] }`. */
  omit?: Record<string, string[]>;
  /** Use these sections verbatim instead of generating them. */
  sections?: DsregSection[];
  /** Raw DeviceAuthStatus line; defaults to `SUCCESS` or `FAILED. Device is either disabled or deleted`. */
  deviceAuthStatusText?: string;
}

export const HEALTHY_HYBRID: Omit<ParsedDsregcmd, "sections"> = {
  joinType: "hybrid",
  deviceId: "6e4cbe68-588b-499c-8c04-dcfff140a1ca",
  tenantId: "aaaabbbb-0000-cccc-1111-dddd2222eeee",
  tenantName: "Contoso",
  deviceName: "PC-0142.corp.contoso.com",
  domainName: "CONTOSO",
  thumbprint: "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C",
  certValidFrom: "2024-11-05T08:12:40.000Z",
  certValidTo: "2034-11-05T08:42:40.000Z",
  prtUpdateTime: "2025-03-09T11:00:27.000Z",
  prtExpiryTime: "2025-03-23T11:01:41.000Z",
  tpmProtected: true,
  azureAdPrt: true,
  azureAdJoined: true,
  domainJoined: true,
  workplaceJoined: false,
  enterpriseJoined: false,
  deviceAuthStatus: "SUCCESS",
  prtAttemptStatus: null,
  prtServerErrorCode: null,
  aadsts: null,
  executingAccount: "CONTOSO\\jdoe, jdoe@contoso.com",
};

/** When the healthy sample was captured: 90 minutes after the PRT's last update. */
export const CAPTURED_AT = "2025-03-09T12:30:00.000Z";
/** When the rules run: the morning after. */
export const NOW = "2025-03-10T08:00:00.000Z";

/** `2025-03-09T11:00:27.000Z` → `2025-03-09 11:00:27.000 UTC`, as dsregcmd prints times. */
export function toDsregTime(iso: string | null): string {
  return iso === null ? "" : `${iso.replace("T", " ").replace("Z", "")} UTC`;
}

const yesNo = (value: boolean | null) => (value === null ? null : value ? "YES" : "NO");

function generateSections(report: Omit<ParsedDsregcmd, "sections">, deviceAuthStatusText?: string): DsregSection[] {
  const lines = (entries: [string, string | null][]) =>
    entries.filter((entry): entry is [string, string] => entry[1] !== null).map(([key, value]) => ({ key, value }));
  const validity = report.certValidFrom && report.certValidTo ? `[ ${toDsregTime(report.certValidFrom)} -- ${toDsregTime(report.certValidTo)} ]` : null;
  const authText =
    deviceAuthStatusText ??
    (report.deviceAuthStatus === "FAILED" ? "FAILED. Device is either disabled or deleted" : report.deviceAuthStatus === "SUCCESS" ? "SUCCESS" : null);
  const registeredOnly = report.azureAdJoined !== true && report.workplaceJoined === true;

  const sections: DsregSection[] = [
    {
      name: "Device State",
      fields: lines([
        ["AzureAdJoined", yesNo(report.azureAdJoined)],
        ["EnterpriseJoined", yesNo(report.enterpriseJoined)],
        ["DomainJoined", yesNo(report.domainJoined)],
        ["DomainName", report.domainName],
        ["Virtual Desktop", "NOT SET"],
        ["Device Name", report.deviceName],
      ]),
    },
  ];
  if (report.azureAdJoined === true) {
    sections.push({
      name: "Device Details",
      fields: lines([
        ["DeviceId", report.deviceId],
        ["Thumbprint", report.thumbprint],
        ["DeviceCertificateValidity", validity],
        ["KeyContainerId", "1c68a06c-38a6-4614-a03d-5b00df256789"],
        ["KeyProvider", report.tpmProtected === false ? "Microsoft Software Key Storage Provider" : "Microsoft Platform Crypto Provider"],
        ["TpmProtected", yesNo(report.tpmProtected)],
        ["DeviceAuthStatus", authText],
      ]),
    });
    sections.push({
      name: "Tenant Details",
      fields: lines([
        ["TenantName", report.tenantName],
        ["TenantId", report.tenantId],
        ["Idp", "login.windows.net"],
      ]),
    });
  }
  sections.push({
    name: "User State",
    fields: lines([
      ["NgcSet", "YES"],
      ["WorkplaceJoined", yesNo(report.workplaceJoined)],
      ["WamDefaultSet", "YES"],
    ]),
  });
  sections.push({
    name: "SSO State",
    fields: lines([
      ["AzureAdPrt", yesNo(report.azureAdPrt)],
      ["AzureAdPrtUpdateTime", report.prtUpdateTime ? toDsregTime(report.prtUpdateTime) : null],
      ["AzureAdPrtExpiryTime", report.prtExpiryTime ? toDsregTime(report.prtExpiryTime) : null],
      ["AzureAdPrtAuthority", report.azureAdPrt && report.tenantId ? `https://login.microsoftonline.com/${report.tenantId}` : null],
      ["EnterprisePrt", "NO"],
      ["EnterprisePrtAuthority", ""],
    ]),
  });
  sections.push({
    name: "Diagnostic Data",
    fields: lines([
      ["AadRecoveryEnabled", "NO"],
      ["Executing Account Name", report.executingAccount],
      ["KeySignTest", "MUST Run elevated to test."],
    ]),
  });
  if (registeredOnly) {
    sections.push({
      name: "Work Account 1",
      fields: lines([
        ["WorkplaceDeviceId", report.deviceId],
        ["WorkplaceThumbprint", report.thumbprint],
        ["DeviceCertificateValidity", validity],
        ["KeyContainerId", "a3c1f2de-0b6e-4b6f-9a1e-7d2c3b4a5f60"],
        ["KeyProvider", "Microsoft Platform Crypto Provider"],
        ["TpmProtected", yesNo(report.tpmProtected)],
        ["WorkplaceTenantId", report.tenantId],
        ["WorkplaceTenantName", report.tenantName],
      ]),
    });
  }
  sections.push({ name: "WinHttp Default Proxy Config", fields: [{ key: "Access Type", value: "DIRECT" }] });
  return sections;
}

export function makeReport(options: MakeReportOptions = {}): ParsedDsregcmd {
  const { extra, omit, sections, deviceAuthStatusText, ...overrides } = options;
  const report = { ...HEALTHY_HYBRID, ...overrides };
  const generated = sections ?? generateSections(report, deviceAuthStatusText);
  const result = generated.map((section) => ({ name: section.name, fields: section.fields.map((field) => ({ ...field })) }));

  for (const [name, keys] of Object.entries(omit ?? {})) {
    const section = result.find((candidate) => candidate.name === name);
    if (section) section.fields = section.fields.filter((field) => !keys.includes(field.key));
  }
  for (const [name, fields] of Object.entries(extra ?? {})) {
    let section = result.find((candidate) => candidate.name === name);
    if (!section) {
      section = { name, fields: [] };
      result.push(section);
    }
    for (const [key, value] of Object.entries(fields)) {
      const existing = section.fields.find((field) => field.key === key);
      if (existing) existing.value = value;
      else section.fields.push({ key, value });
    }
  }
  return { ...report, sections: result };
}

/**
 * The "Broken (object deleted)" variant of the healthy hybrid sample: same DeviceId and Thumbprint, DeviceAuthStatus
 * FAILED, and the SSO State attempt diagnostics of the PRT request Entra ID refused (AADSTS50155).
 */
export function makeDeletedObjectReport(options: MakeReportOptions = {}): ParsedDsregcmd {
  return makeReport({
    deviceAuthStatus: "FAILED",
    azureAdPrt: false,
    prtUpdateTime: null,
    prtExpiryTime: null,
    aadsts: "AADSTS50155",
    prtServerErrorCode: "invalid_grant",
    extra: {
      "SSO State": {
        AcquirePrtDiagnostics: "PRESENT",
        "HTTP Error": "0x0",
        "HTTP status": "400",
        "Server Error Code": "invalid_grant",
        "Server Error Description": "AADSTS50155: Device authentication failed",
      },
    },
    ...options,
  });
}

/** A workgroup PC, joined to nothing and registered nowhere, captured in jane's local session. */
export function makeWorkgroupReport(options: MakeReportOptions = {}): ParsedDsregcmd {
  return makeReport({
    joinType: "none",
    deviceName: "PC-0142",
    azureAdJoined: false,
    domainJoined: false,
    domainName: null,
    workplaceJoined: false,
    azureAdPrt: false,
    executingAccount: "PC-0142\\jane, ",
    ...options,
  });
}

/** Healthy Entra-joined device, signed in with an Entra account. */
export function makeEntraReport(options: MakeReportOptions = {}): ParsedDsregcmd {
  return makeReport({
    joinType: "entra",
    deviceName: "PC-0177",
    domainName: null,
    domainJoined: false,
    executingAccount: "AzureAD\\JohnDoe, john@contoso.com",
    ...options,
  });
}

/**
 * Healthy registered (Workplace) device: a personal PC signed in with a local account that added a
 * work account, so the certificate lives in the Work Account section and AzureAdPrt is NO.
 */
export function makeRegisteredReport(options: MakeReportOptions = {}): ParsedDsregcmd {
  return makeReport({
    joinType: "registered",
    deviceName: "PC-01",
    domainName: null,
    azureAdJoined: false,
    domainJoined: false,
    workplaceJoined: true,
    azureAdPrt: false,
    prtUpdateTime: null,
    prtExpiryTime: null,
    deviceAuthStatus: null,
    executingAccount: "PC-01\\localadmin, ",
    ...options,
  });
}

/**
 * Domain-joined computer whose hybrid join has not completed, captured as SYSTEM with the pre-join
 * Diagnostic Data of Windows 10 1809+ (field names from the hybrid-join troubleshooting doc).
 */
export function makePendingHybridReport(options: MakeReportOptions = {}): ParsedDsregcmd {
  return makeReport({
    joinType: "domain",
    deviceId: null,
    tenantId: null,
    tenantName: null,
    thumbprint: null,
    certValidFrom: null,
    certValidTo: null,
    prtUpdateTime: null,
    prtExpiryTime: null,
    tpmProtected: null,
    azureAdPrt: false,
    azureAdJoined: false,
    deviceAuthStatus: null,
    ...options,
  });
}

/** The standard rule input around a report: healthy hybrid, the sample's capture time and evaluation time. */
export function makeInput(overrides: Partial<ReportRuleInput> = {}): ReportRuleInput {
  return { report: makeReport(), capturedAt: CAPTURED_AT, now: NOW, ...overrides };
}

/** An AAD Operational event as the agent uploads it. */
export function makeEvent(overrides: Partial<AgentEvent> & Pick<AgentEvent, "id" | "message">): AgentEvent {
  return {
    time: "2025-03-09T12:10:00.000Z",
    level: "Error",
    task: "AadCloudAPPlugin Operation",
    log: "Microsoft-Windows-AAD/Operational",
    ...overrides,
  };
}
