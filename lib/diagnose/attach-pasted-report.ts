import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { HostnameSchema } from "@/lib/ingest/upload-schema";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import { resolveCaptureTime } from "@/lib/rules/capture-time";

export type AttachPastedReportResult =
  | { ok: true; reportId: string; subjectKey: string; duplicate: boolean }
  | { ok: false; error: { code: "unreadable" | "no-device-id" | "device-mismatch" | "not-in-directory" | "no-capture-time" | "invalid"; message: string } };

/**
 * Stores a pasted `dsregcmd /status` as a report of the synced device its DeviceId names, through the same ingest code
 * as an agent upload (validation, parsing, redaction, the report-only rules, the device's summary and findings), with
 * source "paste", and writes who attached it to the audit log. Only on an admin's explicit request: the paste box
 * itself stores nothing. The device must be the one the admin was shown (`deviceId`) and exist in the tenant's
 * directory, and the capture time must be known (entered, or the report's own Client Time): a report stored "now"
 * that was captured last week would be judged wrongly.
 */
export async function attachPastedReport(
  db: Db,
  options: { tenantRef: string; tenantId: string; actor: string; text: string; deviceId: string; capturedAt: string | null; now?: Date },
): Promise<AttachPastedReportResult> {
  const parsed = parseDsregcmd(options.text);
  if (!parsed.ok) return { ok: false, error: { code: "unreadable", message: parsed.error.message } };
  const deviceId = parsed.report.deviceId?.trim().toLowerCase() ?? null;
  if (!deviceId)
    return { ok: false, error: { code: "no-device-id", message: "The report prints no DeviceId: it cannot be tied to a device of the directory." } };
  if (deviceId !== options.deviceId.trim().toLowerCase()) {
    return { ok: false, error: { code: "device-mismatch", message: "The report's DeviceId is not the device it was to be attached to; diagnose it again." } };
  }
  const object = await db.directoryDevice.findFirst({
    where: { tenantRef: options.tenantRef, deviceId },
    orderBy: [{ deletedAt: { sort: "asc", nulls: "first" } }, { objectId: "asc" }],
    select: { objectId: true, displayName: true },
  });
  if (!object) return { ok: false, error: { code: "not-in-directory", message: "No directory object of this tenant has the report's DeviceId." } };
  const captureTime = resolveCaptureTime(parsed.report, options.capturedAt ? { at: options.capturedAt, source: "admin" } : null);
  if (!captureTime.at) {
    return { ok: false, error: { code: "no-capture-time", message: "The report has no Client Time: enter when it was captured (UTC) before attaching it." } };
  }
  // The machine's name as Windows knows it (the report's Device Name), else the directory's, first DNS label.
  const hostname = HostnameSchema.safeParse((parsed.report.deviceName ?? object.displayName ?? "").split(".")[0]);
  if (!hostname.success)
    return { ok: false, error: { code: "invalid", message: "Neither the report nor the directory names the machine with a valid computer name." } };

  const result = await ingestReport(db, {
    agent: { tokenId: null, tenantRef: options.tenantRef, tenantId: options.tenantId },
    body: { hostname: hostname.data, capturedAt: captureTime.at, agentVersion: "paste", dsregcmd: options.text },
    source: "paste",
    now: options.now,
  });
  if (!result.ok) return { ok: false, error: { code: "invalid", message: result.error.message } };
  await writeAuditLog(db, {
    actor: options.actor,
    action: "report.attach-paste",
    tenantRef: options.tenantRef,
    target: result.report.reportId,
    detail: { deviceId, objectId: object.objectId, hostname: hostname.data, capturedAt: captureTime.at, duplicate: result.report.duplicate },
  });
  return { ok: true, reportId: result.report.reportId, subjectKey: `d:${deviceId}`, duplicate: result.report.duplicate };
}
