import { createHash } from "node:crypto";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { Finding } from "@/lib/rules/types";
import type { ReportUpload } from "./upload-schema";

/**
 * What a report says that matters (issue 18, decision 013): two uploads of a device with the same state hash are one
 * stored report, counted. Everything a capture says except the values that change on every upload of a healthy
 * machine (the PRT's update and expiry times, the capture time, and the text's diagnostic lines such as Client Time),
 * plus the set of report findings, the events as sent (a new event changes the list), the directory facts the agent
 * sends and who sent it. A meaningful change the derived fields do not name shows up in the findings when a rule reads
 * it; the latest report's text is always kept in full, so nothing a rule reads of the latest report is lost.
 */
export function hashReportState(input: {
  upload: ReportUpload;
  report: ParsedDsregcmd;
  system: ParsedDsregcmd | null;
  findings: readonly Finding[];
  source: string;
  /** The user the report was captured under (lib/signins/index-report-users.ts). */
  user: string | null;
}): string {
  const { upload, report, system } = input;
  const state = JSON.stringify([
    upload.hostname,
    upload.agentVersion,
    input.source,
    input.user,
    upload.computerDn ?? null,
    upload.objectGuid?.toLowerCase().replace(/[{}]/g, "") ?? null,
    upload.osBuild ?? null,
    captureState(report),
    system ? captureState(system) : null,
    input.findings.map((f) => `${f.rule}:${f.severity}`).sort(),
    (upload.events ?? []).map(eventKey),
  ]);
  return createHash("sha256").update(state).digest("hex");
}

/** The parsed fields of a capture minus the volatile ones (the PRT times) and the raw sections. */
function captureState(r: ParsedDsregcmd): unknown[] {
  return [
    r.joinType,
    r.deviceId,
    r.tenantId,
    r.tenantName,
    r.deviceName,
    r.domainName,
    r.thumbprint,
    r.certValidFrom,
    r.certValidTo,
    r.tpmProtected,
    r.azureAdPrt,
    r.azureAdJoined,
    r.domainJoined,
    r.workplaceJoined,
    r.enterpriseJoined,
    r.deviceAuthStatus,
    r.prtAttemptStatus,
    r.prtServerErrorCode,
    r.aadsts,
    r.executingAccount,
  ];
}

export type AgentEventUpload = NonNullable<ReportUpload["events"]>[number];

/** What makes two events the same event: everything the agent sends of it. */
export function eventKey(e: AgentEventUpload): string {
  return JSON.stringify([e.id, new Date(e.time).toISOString(), e.level, e.task ?? null, e.log ?? null, e.message]);
}

/** An event's row id: the same event of the same device is one row, whichever uploads carried it (a UUID-shaped hash). */
export function agentEventId(tenantRef: string, deviceKey: string, e: AgentEventUpload): string {
  const h = createHash("sha256")
    .update(`${tenantRef}\n${deviceKey}\n${eventKey(e)}`)
    .digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
