import "server-only";
import { inList, type DirectDb, type Statement } from "@/lib/db/direct";
import { chunk } from "@/lib/db/in-list";
import { evaluateSignIn } from "@/lib/rules/signin/evaluate-sign-in";
import { loadSignInContext, type ReportCache } from "./load-sign-in-context";
import { deviceKeyOf, recomputeLatestStatements, RollupDelta, rollupRowFrom, type RollupRow } from "./sign-in-rollups";
import { SIGN_IN_FIELD_COLUMNS, signInFromRow, signInRow, type StoredSignInFields } from "./sign-in-row";

const SELECT = [...new Set(["id", "cause", "causeLabel", "machineDeviceId", ...SIGN_IN_FIELD_COLUMNS])].map((c) => `"${c}"`).join(", ");

/** At most this many stored sign-ins are joined again per pull (the oldest wait for the next pull). */
const REJOIN_LIMIT = 20_000;

/**
 * Sign-ins stored before a report of their user's machine arrived were joined with no machine: once the user has new
 * reports, they are joined and explained again (the agent may upload after the pull read the sign-in). Returns how
 * many changed.
 */
export async function rejoinSignIns(
  direct: DirectDb,
  options: { tenantRef: string; users: ReadonlySet<string>; cache: ReportCache; directorySynced: boolean; now: Date },
): Promise<number> {
  const { tenantRef } = options;
  let changed = 0;
  let budget = REJOIN_LIMIT;
  for (const users of chunk([...options.users])) {
    if (budget <= 0) break;
    const rows = await direct.query<
      StoredSignInFields & {
        id: string;
        createdDateTime: unknown;
        cause: string;
        causeLabel: string;
        appDisplayName: string | null;
        userPrincipalName: string | null;
        machineDeviceId: string | null;
        deviceId: string | null;
      }
    >(
      `SELECT ${SELECT} FROM "SignInEvent" WHERE "tenantRef" = ? AND "linkedBy" = 'none' AND ${inList("userPrincipalName", users.length)} ORDER BY "createdDateTime" DESC LIMIT ${budget}`,
      [tenantRef, ...users],
    );
    budget -= rows.length;
    for (const part of chunk(rows, 1000)) {
      const events = part.map(signInFromRow);
      const loaded = await loadSignInContext(direct, { tenantRef, events, cache: options.cache, directorySynced: options.directorySynced });
      const statements: Statement[] = [];
      const delta = new RollupDelta();
      const touched = { devices: new Set<string>(), users: new Set<string>() };
      loaded.forEach((item, i) => {
        if (!item.machine) return;
        const row = signInRow(tenantRef, item, evaluateSignIn(item.subject), options.now);
        const old = rollupRowFrom(part[i]!);
        delta.add(old, -1);
        delta.add(row as unknown as RollupRow);
        for (const key of [deviceKeyOf(old), deviceKeyOf(row as unknown as RollupRow)]) if (key) touched.devices.add(key);
        if (old.userPrincipalName) touched.users.add(old.userPrincipalName);
        statements.push({
          // The sign-in's JSON too: a row stored before the compact form (migration 20261211400000) is rewritten in it.
          sql: `UPDATE "SignInEvent" SET "machineDeviceId" = ?, "machineHostname" = ?, "linkedBy" = ?, "cause" = ?, "causeLabel" = ?, "causeTitle" = ?, "severity" = ?, "findings" = ?, "signIn" = ?, "evaluatedAt" = ? WHERE "id" = ?`,
          params: [
            row.machineDeviceId,
            row.machineHostname,
            row.linkedBy,
            row.cause,
            row.causeLabel,
            row.causeTitle,
            row.severity,
            row.findings,
            row.signIn,
            options.now,
            part[i]!.id,
          ],
        });
      });
      if (statements.length) await direct.batch([...statements, ...delta.statements(direct, tenantRef), ...recomputeLatestStatements(tenantRef, touched)]);
      changed += statements.length;
    }
  }
  return changed;
}
