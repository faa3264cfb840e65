/**
 * An upload that passed validateUpload, redacted when its tenant asks for it, and parsed: everything an upload
 * costs in CPU before the database write. Pure and synchronous (no database), bounded by the limits in
 * lib/reports/report-limits.ts and lib/ingest/redact-user-names.ts.
 */
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import { accountNames, REDACTION_LIMITS, UserNameRedactor } from "./redact-user-names";
import type { ReportUpload } from "./upload-schema";
import type { UploadError } from "./validate-upload";

export type ParsedUpload = { ok: true; upload: ReportUpload; report: ParsedDsregcmd; system: ParsedDsregcmd | null } | { ok: false; error: UploadError };

/** `redactSalt`: the tenant's redaction salt when it asked that user names never be stored, else null. */
export function parseUpload(validated: ReportUpload, redactSalt: string | null): ParsedUpload {
  let upload = validated;
  if (redactSalt !== null) {
    const redacted = redactUpload(validated, redactSalt);
    if (!redacted.ok) return redacted;
    upload = redacted.upload;
  }
  const parsed = parseCapture(upload.dsregcmd, "dsregcmd", "invalid-dsregcmd");
  if (!parsed.ok) return parsed;
  let system: ParsedDsregcmd | null = null;
  if (upload.dsregcmdSystem) {
    const parsedSystem = parseCapture(upload.dsregcmdSystem, "dsregcmdSystem", "invalid-dsregcmd-system");
    if (!parsedSystem.ok) return parsedSystem;
    system = parsedSystem.report;
  }
  return { ok: true, upload, report: parsed.report, system };
}

/**
 * One capture, parsed; its refusal names the field. The captures' size was checked on what the agent sent (the
 * schema); tokens are longer than most names, so a redacted capture may pass the parser's own byte limit, which is
 * for unchecked input (paste box, CLI).
 */
function parseCapture(
  text: string,
  field: "dsregcmd" | "dsregcmdSystem",
  code: "invalid-dsregcmd" | "invalid-dsregcmd-system",
): { ok: true; report: ParsedDsregcmd } | { ok: false; error: UploadError } {
  const parsed = parseDsregcmd(text, { maxBytes: Infinity });
  if (parsed.ok) return parsed;
  return { ok: false, error: { code, message: `${field}: ${parsed.error.message}`, details: reasonOf(parsed.error) } };
}

function reasonOf(error: { code: string; limit?: number }): { reason: string; limit?: number } {
  return error.limit === undefined ? { reason: error.code } : { reason: error.code, limit: error.limit };
}

/** The tenant asked that user names never be stored: redact before parsing, so no stored copy holds them. */
function redactUpload(upload: ReportUpload, salt: string): { ok: true; upload: ReportUpload } | { ok: false; error: UploadError } {
  const redactor = new UserNameRedactor(accountNames([upload.dsregcmd, upload.dsregcmdSystem]), salt, REDACTION_LIMITS);
  const dsregcmd = redactor.protect(upload.dsregcmd);
  const dsregcmdSystem = upload.dsregcmdSystem ? redactor.protect(upload.dsregcmdSystem) : upload.dsregcmdSystem;
  const events: ReportUpload["events"] = [];
  for (const e of upload.events ?? []) {
    if (redactor.error) break;
    const message = redactor.protect(e.message);
    if (message !== null) events.push({ ...e, message });
  }
  // protect returns null only once the redactor has recorded why.
  const error = redactor.error;
  if (error || dsregcmd === null) {
    return { ok: false, error: { code: error!.code, message: error!.message, details: { limit: error!.limit } } };
  }
  return { ok: true, upload: { ...upload, dsregcmd, dsregcmdSystem: dsregcmdSystem ?? upload.dsregcmdSystem, events: upload.events ? events : upload.events } };
}
