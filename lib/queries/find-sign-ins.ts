import "server-only";
import { z } from "zod";
import { queryIn, readDate, type DirectDb } from "@/lib/db/direct";
import { subjectKeyFor } from "@/lib/rules/subject-key";
import type { Finding } from "@/lib/rules/types";
import { parseSignInCursor, periodStart, signInCursor, type SignInListParams } from "@/lib/url-params/sign-in-list-params";
import { signInIndexedBy, signInRowFilter } from "./find-sign-in-summary";

export interface SignInListRow {
  id: string;
  signInId: string;
  createdDateTime: string;
  userPrincipalName: string | null;
  userDisplayName: string | null;
  appDisplayName: string | null;
  clientAppUsed: string | null;
  browser: string | null;
  operatingSystem: string | null;
  errorCode: number;
  /** The device the client presented (deviceDetail), if any. */
  deviceId: string | null;
  deviceDisplayName: string | null;
  trustType: string | null;
  /** The machine JoinScope tied the sign-in to, and how (presented-device | user-and-time | none). */
  machineDeviceId: string | null;
  machineHostname: string | null;
  linkedBy: string;
  cause: string;
  causeLabel: string;
  severity: string;
  /** The device page of the machine the sign-in was joined with (else of the device it presented), or null when it was joined with none. */
  deviceSubjectKey: string | null;
  /** Root cause first (lib/rules/signin). */
  findings: Finding[];
}

export interface SignInListPage {
  rows: SignInListRow[];
  /** The cursor of the page after this one, or null on the last page. */
  nextAfter: string | null;
}

const COLUMNS = [
  "id",
  "signInId",
  "createdDateTime",
  "userPrincipalName",
  "userDisplayName",
  "appDisplayName",
  "clientAppUsed",
  "browser",
  "operatingSystem",
  "errorCode",
  "deviceId",
  "deviceDisplayName",
  "trustType",
  "machineDeviceId",
  "machineHostname",
  "linkedBy",
  "cause",
  "causeLabel",
  "severity",
  "findings",
] as const;
export const SIGN_IN_LIST_SELECT = COLUMNS.map((c) => `"${c}"`).join(", ");

const FindingsSchema = z
  .array(
    z.object({
      rule: z.string(),
      severity: z.enum(["critical", "high", "medium", "low", "info"]).catch("info"),
      title: z.string(),
      explanation: z.string().catch(""),
      evidence: z
        .array(
          z.object({
            source: z.string().catch(""),
            field: z.string().catch(""),
            value: z.string().nullable().catch(null),
            expected: z.string().nullable().optional(),
          }),
        )
        .catch([]),
      remediation: z.array(z.string()).catch([]),
    }),
  )
  .catch([]);

/**
 * The SQL of one page of the Sign-ins view's events (newest first, ties by row id), with the view's filters over its
 * period and after the page's cursor. Every filter reads through an index that ends on createdDateTime (the user's,
 * the cause's, the app's, the tenant's; a device's two), so a page costs a seek and LIMIT rows, never a scan of the
 * tenant's events. Exported for bench:signins, whose floor is this query run directly.
 */
export function signInPageQuery(options: { tenantRef: string; params: SignInListParams; now: Date; dialect: DirectDb["dialect"]; limit?: number }): {
  sql: string;
  params: unknown[];
} {
  const { params } = options;
  const filter = signInRowFilter(options.tenantRef, params, periodStart(params.period, options.now));
  const cursor = parseSignInCursor(params.after);
  let sql = filter.sql;
  const args = [...filter.params];
  if (cursor) {
    sql += ` AND "createdDateTime" <= ? AND ("createdDateTime" < ? OR "id" < ?)`;
    args.push(cursor.at, cursor.at, cursor.id);
  }
  const limit = (options.limit ?? params.size) + 1;
  return {
    sql: `SELECT ${SIGN_IN_LIST_SELECT} FROM "SignInEvent"${signInIndexedBy(options.dialect, params)} WHERE ${sql} ORDER BY "createdDateTime" DESC, "id" DESC LIMIT ${limit}`,
    params: args,
  };
}

/** One page of the Sign-ins view's events, keyset-paged (`params.after`: the Next link's cursor). */
export async function findSignIns(
  direct: DirectDb,
  options: { tenantRef: string; params: SignInListParams; now: Date; limit?: number },
): Promise<SignInListPage> {
  const limit = options.limit ?? options.params.size;
  const q = signInPageQuery({ ...options, dialect: direct.dialect, limit });
  const raw = await direct.query(q.sql, q.params);
  const rows = raw.slice(0, limit).map(toSignInListRow);
  // A sign-in joined with no machine links to the device it presented only when the directory holds that device (else
  // there is no device page to open).
  const presented = [...new Set(rows.filter((r) => r.linkedBy === "none" && r.deviceId).map((r) => r.deviceId!))];
  const known = new Set(
    (
      await queryIn<{ deviceId: string }>(direct, `SELECT DISTINCT "deviceId" FROM "DirectoryDevice" WHERE "tenantRef" = ? AND {in}`, "deviceId", presented, [
        options.tenantRef,
      ])
    ).map((r) => r.deviceId),
  );
  for (const r of rows) if (r.linkedBy === "none") r.deviceSubjectKey = r.deviceId && known.has(r.deviceId) ? subjectKeyFor(r.deviceId, null, null) : null;
  return { rows, nextAfter: raw.length > limit ? signInCursor(rows[rows.length - 1]!) : null };
}

/** A SignInEvent's stored findings (JSON text), root cause first; [] when the text is not what the pull writes. */
export function parseSignInFindings(text: string | null): Finding[] {
  try {
    return FindingsSchema.parse(JSON.parse(text ?? "[]")) as Finding[];
  } catch {
    return [];
  }
}

/** A SignInEvent row read with SIGN_IN_LIST_SELECT, for the page. */
export function toSignInListRow(r: Record<string, unknown>): SignInListRow {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  const machineDeviceId = s("machineDeviceId");
  const machineHostname = s("machineHostname");
  const deviceId = s("deviceId");
  const linkedBy = s("linkedBy") ?? "none";
  const findings = parseSignInFindings(s("findings"));
  return {
    id: String(r.id),
    signInId: String(r.signInId),
    createdDateTime: readDate(r.createdDateTime)!.toISOString(),
    userPrincipalName: s("userPrincipalName"),
    userDisplayName: s("userDisplayName"),
    appDisplayName: s("appDisplayName"),
    clientAppUsed: s("clientAppUsed"),
    browser: s("browser"),
    operatingSystem: s("operatingSystem"),
    errorCode: Number(r.errorCode),
    deviceId,
    deviceDisplayName: s("deviceDisplayName"),
    trustType: s("trustType"),
    machineDeviceId,
    machineHostname,
    linkedBy,
    cause: String(r.cause),
    causeLabel: String(r.causeLabel),
    severity: String(r.severity),
    deviceSubjectKey: linkedBy !== "none" && (machineDeviceId || machineHostname) ? subjectKeyFor(machineDeviceId, null, machineHostname) : null,
    findings,
  };
}
