import "server-only";
import { timeOrderedId } from "@/lib/db/time-ordered-id";
import { encodeValue, type DirectDb, type Statement } from "@/lib/db/direct";
import { parseSignInFindings } from "./stored-findings";
import { SIGN_IN_FIELD_COLUMNS, signInFromRow, signInRest, type StoredSignInFields } from "./sign-in-row";

/** Rows rewritten per transaction. */
export const UPGRADE_BATCH = 1000;
/** At most this many rows per pull: a million stored rows are upgraded over some twenty pulls, none held long. */
export const UPGRADE_ROWS_PER_PULL = 50_000;

const SELECT = ["id", "causeTitle", "findings", ...SIGN_IN_FIELD_COLUMNS].map((c) => `"${c}"`).join(", ");

/**
 * Before a pull writes its first row: a tenant whose rows were stored before migration 20261211400000 (its SignInPull
 * row existed then; a tenant's first pull creates it upgraded) has its backfill start below every id written from now
 * on. Once set, the start stays.
 */
export async function startSignInRowUpgrade(direct: DirectDb, tenantRef: string): Promise<void> {
  await direct.batch([
    {
      sql: `UPDATE "SignInPull" SET "rowsUpgradeCursor" = ? WHERE "tenantRef" = ? AND "rowsUpgraded" = ? AND "rowsUpgradeCursor" IS NULL`,
      params: [timeOrderedId(), tenantRef, encodeValue(direct.dialect, "bool", false)],
    },
  ]);
}

/**
 * The backfill of migration 20261211400000: a tenant's sign-ins stored before it get their `causeTitle` (the list's
 * "Why, and the fix: …", from the findings' JSON) and their `signIn` JSON cut to the fields no column holds. Rows are
 * walked from the newest id down, starting below every row the new code wrote (startSignInRowUpgrade; ids are
 * time-ordered), a batch per transaction with the point it reached (SignInPull.rowsUpgradeCursor): stopped anywhere, it
 * goes on from there. A row the new code rewrote meanwhile (a rejoin) is left as it is. Run by the pull, which holds
 * the tenant's lease, so nothing else writes the same rows meanwhile. Returns how many rows it rewrote and whether it
 * is done.
 */
export async function upgradeSignInRows(
  direct: DirectDb,
  options: { tenantRef: string; maxRows?: number; batch?: number },
): Promise<{ upgraded: number; done: boolean }> {
  const { tenantRef } = options;
  const batch = options.batch ?? UPGRADE_BATCH;
  const state = (
    await direct.query<{ rowsUpgraded: unknown; rowsUpgradeCursor: string | null }>(
      `SELECT "rowsUpgraded", "rowsUpgradeCursor" FROM "SignInPull" WHERE "tenantRef" = ?`,
      [tenantRef],
    )
  )[0];
  if (!state || Boolean(state.rowsUpgraded)) return { upgraded: 0, done: true };
  let cursor = state.rowsUpgradeCursor;
  let upgraded = 0;
  let budget = options.maxRows ?? UPGRADE_ROWS_PER_PULL;
  while (budget > 0) {
    const limit = Math.min(batch, budget);
    const rows = await direct.query<StoredSignInFields & { id: string; causeTitle: string | null; findings: string }>(
      `SELECT ${SELECT} FROM "SignInEvent" WHERE "tenantRef" = ?${cursor === null ? "" : ` AND "id" < ?`} ORDER BY "id" DESC LIMIT ${limit}`,
      cursor === null ? [tenantRef] : [tenantRef, cursor],
    );
    const statements: Statement[] = [];
    for (const row of rows) {
      // Written by the new code (its JSON holds no device: those fields are columns): nothing to do.
      if ((JSON.parse(String(row.signIn ?? "{}")) as { device?: unknown }).device === undefined) continue;
      statements.push({
        sql: `UPDATE "SignInEvent" SET "causeTitle" = ?, "signIn" = ? WHERE "id" = ?`,
        params: [row.causeTitle ?? parseSignInFindings(row.findings)[0]?.title ?? null, signInRest(signInFromRow(row)), row.id],
      });
    }
    const done = rows.length < limit;
    if (rows.length) cursor = rows[rows.length - 1]!.id;
    statements.push({
      sql: `UPDATE "SignInPull" SET "rowsUpgradeCursor" = ?, "rowsUpgraded" = ? WHERE "tenantRef" = ?`,
      params: [cursor, encodeValue(direct.dialect, "bool", done), tenantRef],
    });
    await direct.batch(statements);
    upgraded += statements.length - 1;
    budget -= rows.length;
    if (done) return { upgraded, done: true };
  }
  return { upgraded, done: false };
}
