import "server-only";
import { REPORT_USER_COLUMNS } from "@/lib/db/device-report-columns";
import { insertStatements, readDate, type DirectDb, type Statement } from "@/lib/db/direct";
import { timeOrderedId } from "@/lib/db/time-ordered-id";
import { storedParsed, userCapture } from "@/lib/reports/stored-report-body";
import type { ParsedDsregcmd } from "@/lib/reports/types";

/**
 * Records whose session each new report was captured in, so that a sign-in that presented no device finds the user's
 * machines around its time (docs/domain.md, "Sign-ins blocked for their device"): the executing account's UPN
 * (`CONTOSO\jdoe, jdoe@contoso.com`), else the PRT attempt's `User Identity`. SYSTEM, local and personal accounts name
 * no work account and are skipped, and so are reports whose user names were redacted. Reads the stored JSON text with
 * two patterns instead of parsing it whole: a first run reads every report of the tenant.
 */
const EXECUTING_ACCOUNT = /"executingAccount":("(?:[^"\\]|\\.)*")/;
const USER_IDENTITY = /"key":"User Identity","value":("(?:[^"\\]|\\.)*")/;
const UPN = /^[^\s@\\,]+@[^\s@\\,]+\.[^\s@\\,]+$/;
/** Personal Microsoft accounts never sign in to a work tenant's apps. */
const CONSUMER = /@(outlook|hotmail|live|msn)\.[a-z.]+$/i;

export function reportUserPrincipalName(parsedJson: string): string | null {
  const account = EXECUTING_ACCOUNT.exec(parsedJson);
  if (account) {
    const value = JSON.parse(account[1]!) as string;
    const upn = value.slice(value.indexOf(",") + 1).trim();
    if (value.includes(",") && UPN.test(upn) && !CONSUMER.test(upn)) return upn.toLowerCase();
  }
  const identity = USER_IDENTITY.exec(parsedJson);
  if (identity) {
    const upn = (JSON.parse(identity[1]!) as string).trim();
    if (UPN.test(upn) && !CONSUMER.test(upn)) return upn.toLowerCase();
  }
  return null;
}

/** The same for a parsed report (an upload's, or a stored text parsed again). */
export function reportUserPrincipalNameOf(report: ParsedDsregcmd): string | null {
  const value = report.executingAccount;
  if (value) {
    const upn = value.slice(value.indexOf(",") + 1).trim();
    if (value.includes(",") && UPN.test(upn) && !CONSUMER.test(upn)) return upn.toLowerCase();
  }
  for (const section of report.sections) {
    for (const field of section.fields) {
      if (field.key !== "User Identity") continue;
      const upn = field.value.trim();
      return UPN.test(upn) && !CONSUMER.test(upn) ? upn.toLowerCase() : null;
    }
  }
  return null;
}

const BATCH = 2000;

/**
 * Indexes the tenant's reports received after `since` (and up to `until`): returns the latest receivedAt indexed and
 * the users whose reports were new.
 */
export async function indexReportUsers(
  direct: DirectDb,
  options: { tenantRef: string; since: Date | null; until: Date },
): Promise<{ indexedThrough: Date | null; users: Set<string> }> {
  let cursor = options.since;
  let cursorId = "";
  let last: Date | null = options.since;
  const seen = new Set<string>();
  for (;;) {
    const rows = await direct.query<{
      id: string;
      hostname: string;
      deviceId: string | null;
      capturedAt: unknown;
      receivedAt: unknown;
      parsed: string | null;
      textZ: Uint8Array | null;
      recorded: string | null;
    }>(
      // A report whose upload recorded its user (ReportUser) is not read again: only its user is taken. Older
      // reports' texts are read and parsed (compressed text) or matched (JSON from before decision 013).
      `SELECT r."id", r."hostname", r."deviceId", r."capturedAt", r."receivedAt", u."userPrincipalName" AS "recorded",
              CASE WHEN u."id" IS NULL THEN r."parsed" END AS "parsed", CASE WHEN u."id" IS NULL THEN r."textZ" END AS "textZ"
       FROM "DeviceReport" r LEFT JOIN "ReportUser" u ON u."reportRef" = r."id"
       WHERE r."tenantRef" = ? AND r."receivedAt" <= ? ${cursor ? `AND (r."receivedAt" > ? OR (r."receivedAt" = ? AND r."id" > ?))` : ""}
       ORDER BY r."receivedAt", r."id" LIMIT ${BATCH}`,
      cursor ? [options.tenantRef, options.until, cursor, cursor, cursorId] : [options.tenantRef, options.until],
    );
    if (rows.length === 0) return { indexedThrough: last, users: seen };
    const users = [];
    for (const r of rows) {
      if (r.recorded) {
        seen.add(r.recorded);
        continue;
      }
      // Rows from before decision 013 hold the JSON (read with the two patterns); later ones the compressed text.
      const parsed = r.parsed ? null : storedParsed(userCapture(r));
      const upn = r.parsed ? reportUserPrincipalName(r.parsed) : parsed ? reportUserPrincipalNameOf(parsed) : null;
      if (upn) seen.add(upn);
      if (upn)
        users.push({
          id: timeOrderedId(),
          tenantRef: options.tenantRef,
          reportRef: r.id,
          userPrincipalName: upn,
          deviceId: r.deviceId,
          hostname: r.hostname,
          capturedAt: readDate(r.capturedAt),
        });
    }
    const statements: Statement[] = insertStatements(direct.dialect, "ReportUser", REPORT_USER_COLUMNS, users, { target: ["reportRef"], nothing: true });
    await direct.batch(statements);
    const tail = rows[rows.length - 1]!;
    cursor = readDate(tail.receivedAt);
    cursorId = tail.id;
    last = cursor;
    if (rows.length < BATCH) return { indexedThrough: last, users: seen };
  }
}
