import { createHash } from "node:crypto";
import type { ReportUpload } from "./upload-schema";

/**
 * A stable hash of what an upload says, independent of JSON key order and of line endings, so that an
 * agent retrying the same capture (or the same text pasted twice) is stored once.
 */
export function hashReportContent(upload: ReportUpload): string {
  const norm = (s: string | null | undefined) => (s ?? "").replace(/\r\n?/g, "\n").trimEnd();
  const canonical = JSON.stringify([
    upload.hostname.toLowerCase(),
    new Date(upload.capturedAt).toISOString(),
    norm(upload.dsregcmd),
    norm(upload.dsregcmdSystem),
    (upload.events ?? []).map((e) => [e.id, new Date(e.time).toISOString(), e.level, e.task ?? null, e.log ?? null, e.message]),
    upload.computerDn ?? null,
    upload.objectGuid?.toLowerCase().replace(/[{}]/g, "") ?? null,
    upload.osBuild ?? null,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}
