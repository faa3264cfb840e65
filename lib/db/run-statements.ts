import "server-only";
import type { Prisma } from "@/lib/db/client";
import { encodeParam, type Dialect, type Statement } from "@/lib/db/direct";

/**
 * Runs direct-path statements (lib/db/direct.ts: `?` placeholders, values in Prisma's encodings) inside a Prisma
 * interactive transaction, for the few writes that are made with Prisma and must change what the direct path's
 * statements derive from them in the same transaction (the sync's missing-after-full-sync deletions and their device
 * summaries). One statement at a time; a bulk `eachRow` statement runs once per row.
 */
export async function runStatements(tx: Prisma.TransactionClient, dialect: Dialect, statements: readonly Statement[]): Promise<void> {
  for (const s of statements) {
    let n = 0;
    const sql = dialect === "sqlite" ? s.sql : s.sql.replace(/\?/g, () => `$${++n}`);
    for (const params of s.eachRow ?? [s.params.map((p) => encodeParam(dialect, p))]) {
      // A SELECT (PostgreSQL's advisory locks) is a query; the rest are commands.
      if (/^\s*SELECT/i.test(sql)) await tx.$queryRawUnsafe(sql, ...params);
      else await tx.$executeRawUnsafe(sql, ...params);
    }
  }
}
