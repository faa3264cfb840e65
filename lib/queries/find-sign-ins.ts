import "server-only";
import { queryIn, readDate, type DirectDb } from "@/lib/db/direct";
import { subjectKeyFor } from "@/lib/rules/subject-key";
import { UNEXPLAINED } from "@/lib/signins/sign-in-row";
import { parseSignInFindings } from "@/lib/signins/stored-findings";
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
  /**
   * The title of its explanation's first finding (the root cause), what the list shows of it ("Why, and the fix: …";
   * the findings themselves are read when it is opened); null when no rule explains the sign-in.
   */
  causeTitle: string | null;
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
  "causeTitle",
] as const;
/**
 * The list's columns: what it shows, never the findings' JSON, except for an explained row stored before causeTitle
 * existed that the pull's backfill (lib/signins/upgrade-sign-in-rows.ts) has not reached yet: its title is read from
 * its findings.
 */
export const SIGN_IN_LIST_SELECT = `${COLUMNS.map((c) => `"${c}"`).join(", ")}, CASE WHEN "causeTitle" IS NULL AND "cause" <> '${UNEXPLAINED.cause}' THEN "findings" END AS "oldFindings"`;

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

/** A SignInEvent row read with SIGN_IN_LIST_SELECT, for the page. */
export function toSignInListRow(r: Record<string, unknown>): SignInListRow {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  const machineDeviceId = s("machineDeviceId");
  const machineHostname = s("machineHostname");
  const deviceId = s("deviceId");
  const linkedBy = s("linkedBy") ?? "none";
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
    causeTitle: s("causeTitle") ?? (r.oldFindings ? (parseSignInFindings(s("oldFindings"))[0]?.title ?? null) : null),
  };
}
