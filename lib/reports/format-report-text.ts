/**
 * Plain-text summary of a parsed report for `joinscope parse --format text`: join type, ids, PRT
 * state and certificate first, then the raw fields an admin reads next. No colours, no trailing
 * spaces, LF line endings.
 */
import type { JoinType, ParsedDsregcmd } from "./types";

const JOIN_TYPE_LABELS: Record<JoinType, string> = {
  hybrid: "Microsoft Entra hybrid joined",
  entra: "Microsoft Entra joined",
  registered: "Microsoft Entra registered (work account)",
  domain: "Domain joined only (not Entra joined)",
  none: "Not joined or registered",
};

/** Raw fields worth showing after the summary, by section; printed only when present. */
const KEY_FIELDS: ReadonlyArray<readonly [section: string, keys: readonly string[]]> = [
  ["Device State", ["AzureAdJoined", "EnterpriseJoined", "DomainJoined", "DomainName", "Virtual Desktop", "Device Name"]],
  ["Device Details", ["KeyProvider", "DeviceAuthStatus"]],
  ["User State", ["NgcSet", "WorkplaceJoined", "WorkAccountCount", "WamDefaultSet"]],
  [
    "SSO State",
    [
      "AzureAdPrtAuthority",
      "AcquirePrtDiagnostics",
      "RefreshPrtDiagnostics",
      "Previous Prt Attempt",
      "Attempt Status",
      "User Identity",
      "Credential Type",
      "Endpoint URI",
      "HTTP Error",
      "HTTP status",
      "Server Error Code",
      "Server Error Description",
      "EnterprisePrt",
      "OnPremTgt",
      "CloudTgt",
    ],
  ],
  [
    "Diagnostic Data",
    [
      "User Context",
      "AD Connectivity Test",
      "AD Configuration Test",
      "DRS Discovery Test",
      "DRS Connectivity Test",
      "Token acquisition Test",
      "Previous Registration",
      "Error Phase",
      "Client ErrorCode",
      "Server ErrorCode",
      "Server Message",
      "AadRecoveryEnabled",
      "KeySignTest",
    ],
  ],
  ["WinHttp Default Proxy Config", ["Access Type"]],
  ["IE Proxy Config for Current User", ["Auto Detect Settings", "Auto-Configuration URL", "Proxy Server List"]],
];

export function formatReportText(report: ParsedDsregcmd): string {
  const out: string[] = [];
  out.push(`Join type: ${JOIN_TYPE_LABELS[report.joinType]}`);
  out.push("");
  row(out, "Device name", report.deviceName);
  row(out, "Device ID", report.deviceId);
  row(out, "Tenant", report.tenantName !== null && report.tenantId !== null ? `${report.tenantName} (${report.tenantId})` : (report.tenantId ?? report.tenantName));
  row(out, "Domain", report.domainName);
  row(out, "Executing account", report.executingAccount);

  out.push("", "Primary Refresh Token");
  row(out, "AzureAdPrt", yesNo(report.azureAdPrt));
  row(out, "Updated", report.prtUpdateTime);
  row(out, "Expires", report.prtExpiryTime);
  const attempt = [report.prtAttemptStatus, report.prtServerErrorCode, report.aadsts].filter((v) => v !== null).join(", ");
  row(out, "Last failed attempt", attempt === "" ? null : attempt);

  out.push("", "Device certificate");
  row(out, "Thumbprint", report.thumbprint);
  row(out, "Valid from", report.certValidFrom);
  row(out, "Valid to", report.certValidTo);
  row(out, "TPM protected", yesNo(report.tpmProtected));
  row(out, "DeviceAuthStatus", report.deviceAuthStatus);

  const keyLines: string[] = [];
  for (const [sectionName, keys] of KEY_FIELDS) {
    const section = report.sections.find((s) => s.name === sectionName);
    if (section === undefined) continue;
    const lines: string[] = [];
    for (const key of keys) {
      const field = section.fields.find((f) => f.key === key);
      if (field !== undefined) lines.push(`  ${key.padStart(26)} : ${field.value}`.trimEnd());
    }
    if (lines.length > 0) keyLines.push(`[${sectionName}]`, ...lines);
  }
  if (keyLines.length > 0) out.push("", "Key fields", ...keyLines);

  const sectionNames = report.sections.map((s) => s.name).join(", ");
  out.push("", `Sections: ${sectionNames}`);
  return out.join("\n") + "\n";
}

function row(out: string[], label: string, value: string | null): void {
  out.push(`  ${(label + ":").padEnd(21)}${value ?? "(not reported)"}`);
}

function yesNo(value: boolean | null): string | null {
  return value === null ? null : value ? "YES" : "NO";
}
