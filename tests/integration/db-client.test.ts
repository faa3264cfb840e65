/**
 * A PostgreSQL client made by createDb owns its connection pool: $disconnect closes its connections. Before, they
 * stayed open (idle) with no one listening for their errors, and when the server ended one (a database dropped WITH
 * (FORCE), as the benchmarks drop theirs, or a restart) the pool's unhandled 'error' ended the process.
 */
import { describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { createDb } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { testDatabaseKind } from "../setup/databases";

const postgres = testDatabaseKind() === "postgresql";

describe.skipIf(!postgres)("createDb on PostgreSQL", () => {
  it("$disconnect closes the client's connections: none is left for the server to end later", async () => {
    const client = createDb(config.DATABASE_URL);
    const [backend] = await client.$queryRawUnsafe<{ pid: number }[]>(`SELECT pg_backend_pid() AS "pid"`);
    const pid = backend!.pid;
    const open = async () =>
      Number((await directDb().query<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "pg_stat_activity" WHERE "pid" = ?`, [pid]))[0]!.n);
    expect(await open()).toBe(1);
    await client.$disconnect();
    // The server lists a backend until it has seen its client leave: a moment after the pool's end.
    for (let i = 0; i < 20 && (await open()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await open()).toBe(0);
  });
});
