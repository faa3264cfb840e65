import "server-only";
import { queryIn, type DirectDb } from "@/lib/db/direct";
import type { SignInEvent } from "@/lib/rules/signin/sign-in-subject";

/**
 * Which of a page's sign-ins the tenant has stored already (the overlap of a pull's window with the last one's, or a
 * sign-in both of the pull's queries return). Read through the row's key (tenantRef, createdDateTime, signInId,
 * decision 044): the page's time range first, then its ids, so the lookup stays within the index entries of the
 * page's own times. A sign-in's id never changes its createdDateTime.
 */
export async function findStoredSignInIds(
  reader: DirectDb,
  options: { tenantRef: string; events: readonly Pick<SignInEvent, "id" | "createdDateTime">[] },
): Promise<Set<string>> {
  const { tenantRef, events } = options;
  if (events.length === 0) return new Set();
  let from = Infinity;
  let to = -Infinity;
  for (const e of events) {
    const t = Date.parse(e.createdDateTime);
    if (t < from) from = t;
    if (t > to) to = t;
  }
  const rows = await queryIn<{ signInId: string }>(
    reader,
    `SELECT "signInId" FROM "SignInEvent" WHERE "tenantRef" = ? AND "createdDateTime" >= ? AND "createdDateTime" <= ? AND {in}`,
    "signInId",
    events.map((e) => e.id),
    [tenantRef, new Date(from), new Date(to)],
  );
  return new Set(rows.map((r) => r.signInId));
}
