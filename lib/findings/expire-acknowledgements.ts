import "server-only";
import { encodeValue, type DirectDb, type Statement } from "@/lib/db/direct";
import { chunk } from "@/lib/db/in-list";
import { timeOrderedId } from "@/lib/db/time-ordered-id";

/** Lapsed acknowledgements cleared per statement group (each its own transaction): bounded work per round. */
const EXPIRE_CHUNK = 500;

const still = `"acknowledgedAt" IS NOT NULL AND "ackUntil" IS NOT NULL AND "ackUntil" <= ? AND "status" = 'open'`;

/**
 * Clears the acknowledgements whose expiry ("until Friday") has come, so the finding is back on the open lists, and
 * says so on the device's timeline: a FindingEvent "ack-expired" per finding naming whose acknowledgement lapsed.
 * Run at the start of every findings pass (any scope), so "the next pass" after the expiry reopens them. Reads only
 * the lapsed ones (index Finding(tenantRef, ackUntil)). Each event is written only if its finding is still acknowledged
 * and lapsed when the transaction runs (an undo meanwhile wins), and before the update that clears it. Returns how
 * many were cleared.
 */
export async function expireAcknowledgements(direct: DirectDb, tenantRef: string, now: Date): Promise<number> {
  const lapsed = await direct.query<{ id: string; subjectKey: string; acknowledgedBy: string | null; ackComment: string | null; ackUntil: unknown }>(
    `SELECT "id", "subjectKey", "acknowledgedBy", "ackComment", "ackUntil" FROM "Finding" WHERE "tenantRef" = ? AND ${still}`,
    [tenantRef, now],
  );
  // eachRow parameters go to the driver as they are (already encoded); PostgreSQL reads an untyped parameter in a
  // SELECT list as text, so the event's time is cast there.
  const at = encodeValue(direct.dialect, "datetime", now);
  const atSql = direct.dialect === "postgresql" ? "CAST(? AS TIMESTAMP(3))" : "?";
  let cleared = 0;
  for (const part of chunk(lapsed, EXPIRE_CHUNK)) {
    const statements: Statement[] = [
      {
        sql: `INSERT INTO "FindingEvent" ("id", "tenantRef", "findingRef", "subjectKey", "kind", "at", "actor", "detail")
              SELECT ?, ?, ?, ?, 'ack-expired', ${atSql}, NULL, ? WHERE EXISTS (SELECT 1 FROM "Finding" WHERE "id" = ? AND ${still})`,
        // Stryker disable next-line ArrayDeclaration: equivalent: with eachRow the driver never reads params
        params: [],
        eachRow: part.map((f) => [
          timeOrderedId(),
          tenantRef,
          f.id,
          f.subjectKey,
          at,
          `${f.acknowledgedBy ?? "Someone"}'s acknowledgement expired (${f.ackComment ?? "no comment"}): the finding is open again`,
          f.id,
          at,
        ]),
      },
      {
        sql: `UPDATE "Finding" SET "acknowledgedAt" = NULL, "acknowledgedBy" = NULL, "ackComment" = NULL, "ackTicket" = NULL, "ackUntil" = NULL
              WHERE "id" = ? AND ${still}`,
        // Stryker disable next-line ArrayDeclaration: equivalent: with eachRow the driver never reads params
        params: [],
        eachRow: part.map((f) => [f.id, at]),
      },
    ];
    const counts = await direct.batch(statements);
    cleared += counts[1] ?? 0;
  }
  return cleared;
}
