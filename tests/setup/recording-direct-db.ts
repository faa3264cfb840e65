import type { DirectDb } from "@/lib/db/direct";

/** A read `query` made through recordingDirectDb: its statement and parameters. */
export interface RecordedRead {
  sql: string;
  params: readonly unknown[];
}

/**
 * A DirectDb that passes every call to `inner` and records each `query` read (statement and parameters) in `reads`, for
 * tests that check which statements a function runs and how the database plans them.
 */
export function recordingDirectDb(inner: DirectDb): { db: DirectDb; reads: RecordedRead[] } {
  const reads: RecordedRead[] = [];
  const db: DirectDb = {
    dialect: inner.dialect,
    query: (sql, params) => {
      reads.push({ sql, params: params ?? [] });
      return inner.query(sql, params);
    },
    queryArrays: (sql, params) => inner.queryArrays(sql, params),
    batch: (statements) => inner.batch(statements),
    close: () => inner.close(),
  };
  return { db, reads };
}
