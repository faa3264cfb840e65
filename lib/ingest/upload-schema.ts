/**
 * The body a Windows agent POSTs to /api/v1/reports (public/agent/Invoke-JoinScopeAgent.ps1 builds it).
 * Limits keep one upload well under the 1 MiB body cap and stop a runaway agent from storing junk.
 */
import { z } from "zod";

const isoDateTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-29T08:00:00Z" });

/**
 * Why a string cannot be stored as text, or null. NUL: PostgreSQL's text type cannot hold it (the insert failed
 * with a 500, https://www.postgresql.org/docs/current/datatype-character.html) and SQLite would keep it. A lone
 * surrogate is not a character: UTF-8 cannot encode it, so the drivers would store U+FFFD instead of what the
 * agent sent (and what the content hash was computed from).
 */
export function textProblem(value: string): string | null {
  if (value.indexOf("\0") !== -1) return "must not contain NUL (U+0000) characters";
  if (!isWellFormed(value)) return "must not contain unpaired UTF-16 surrogates (U+D800–U+DFFF)";
  return null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isWellFormed(value: string): boolean {
  // String.prototype.isWellFormed (Node 20+) where the type library has it; the regular expression is linear too.
  const native = (value as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(value) : !LONE_SURROGATE.test(value);
}

/** A string that can be stored as text (see textProblem); refused with the reason otherwise. */
function text() {
  return z.string().superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** A computer name or FQDN, as the agent sends it in an upload and at enrolment. */
export const HostnameSchema = text()
  .trim()
  .min(1, "hostname is required")
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9.\-_]*$/, "hostname must be a computer name or FQDN");

export const AgentEventSchema = z.object({
  id: z.number().int().min(0).max(65535),
  time: isoDateTime,
  level: text().trim().min(1).max(32),
  task: text().max(200).nullish(),
  log: text().max(200).nullish(),
  message: text().max(8192),
});

export const ReportUploadSchema = z
  .object({
    hostname: HostnameSchema,
    capturedAt: isoDateTime,
    agentVersion: text().trim().min(1).max(64),
    /** `dsregcmd /status` run in the signed-in user's context, unelevated. */
    dsregcmd: text()
      .min(1, "dsregcmd is required")
      .max(512 * 1024),
    /** The same command as SYSTEM or elevated (pre-join diagnostics, KeySignTest). */
    dsregcmdSystem: text()
      .max(512 * 1024)
      .nullish(),
    events: z.array(AgentEventSchema).max(500).nullish(),
    /** Distinguished name of the computer object (registry Group Policy state or ADSI). */
    computerDn: text().trim().max(2048).nullish(),
    objectGuid: z
      .string()
      .trim()
      .regex(/^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/, "objectGuid must be a GUID")
      .nullish(),
    osBuild: text().trim().max(64).nullish(),
  })
  .strict();

export type ReportUpload = z.infer<typeof ReportUploadSchema>;
