/**
 * The checks an upload passes before any per-line work (redaction, parsing): the schema (lib/ingest/upload-schema.ts,
 * which refuses NUL and unpaired surrogates) and the line count of each capture (lib/reports/report-limits.ts).
 * Pure and synchronous: no database, so a refused upload has changed nothing.
 */
import { checkLineCount, REPORT_LIMITS } from "@/lib/reports/report-limits";
import type { ReportUpload } from "./upload-schema";
import { ReportUploadSchema } from "./upload-schema";

export type UploadErrorCode = "invalid-body" | "invalid-dsregcmd" | "invalid-dsregcmd-system" | "too-many-accounts" | "too-many-user-names";

export interface UploadError {
  code: UploadErrorCode;
  message: string;
  details?: unknown;
}

export type ValidatedUpload = { ok: true; upload: ReportUpload } | { ok: false; error: UploadError };

/** Unknown keys named in a 400 (the rest are counted), and the length each is cut to. */
const MAX_KEYS_LISTED = 5;
const MAX_KEY_LENGTH = 64;
/** Schema problems listed in one 400: 500 events with five problems each would otherwise list 2,500. */
const MAX_ISSUES_LISTED = 50;

export function validateUpload(body: unknown): ValidatedUpload {
  const parsed = ReportUploadSchema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: "invalid-body", message: "The upload does not match the report schema", details: schemaIssueDetails(parsed.error.issues) },
    };
  }
  const upload = parsed.data;
  for (const [field, code] of [
    ["dsregcmd", "invalid-dsregcmd"],
    ["dsregcmdSystem", "invalid-dsregcmd-system"],
  ] as const) {
    const text = upload[field];
    const tooMany = text ? checkLineCount(text, REPORT_LIMITS.maxLines) : null;
    if (tooMany) return { ok: false, error: { code, message: `${field}: ${tooMany.message}`, details: { reason: tooMany.code, limit: tooMany.limit } } };
  }
  return { ok: true, upload };
}

/** A 400's `details` for a body that failed its schema: at most MAX_ISSUES_LISTED problems, then their count. */
export function schemaIssueDetails(issues: readonly { code: string; path: PropertyKey[]; message: string; keys?: string[] }[]): unknown[] {
  const details: unknown[] = issues.slice(0, MAX_ISSUES_LISTED).map(describeIssue);
  if (issues.length > MAX_ISSUES_LISTED) details.push({ path: "", message: `and ${issues.length - MAX_ISSUES_LISTED} more problems` });
  return details;
}

/** `{ path, message }`; for unknown keys, at most a few of them and their count, each cut short. */
function describeIssue(issue: { code: string; path: PropertyKey[]; message: string; keys?: string[] }): {
  path: string;
  message: string;
  keys?: string[];
  count?: number;
} {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys" && issue.keys) {
    const listed = issue.keys.slice(0, MAX_KEYS_LISTED).map((k) => (k.length > MAX_KEY_LENGTH ? `${k.slice(0, MAX_KEY_LENGTH)}…` : k));
    const more = issue.keys.length - listed.length;
    const names = listed.map((k) => JSON.stringify(k)).join(", ");
    return {
      path,
      message: `Unrecognized key${issue.keys.length === 1 ? "" : "s"}: ${names}${more > 0 ? ` and ${more} more` : ""}`,
      keys: listed,
      count: issue.keys.length,
    };
  }
  return { path, message: issue.message };
}
