/**
 * The database a benchmark runs against: `--db sqlite` (a file under data/bench/), `--db postgresql` (a database of its
 * own on the server TEST_POSTGRES_URL names, created fresh and dropped afterwards) or `--db both` (the bench runs
 * itself once per database, one after the other, and fails when either run fails).
 */
import { spawnSync } from "node:child_process";
import pg from "pg";
import { freshDatabase } from "./server";

export type BenchDatabaseKind = "sqlite" | "postgresql";

const POSTGRES_SERVER = () => process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

/** `--db` as given: sqlite (default), postgres / postgresql, or both. */
export function parseDbOption(value: string | undefined): BenchDatabaseKind | "both" {
  if (value === undefined || value === "sqlite") return "sqlite";
  if (value === "postgres" || value === "postgresql") return "postgresql";
  if (value === "both") return "both";
  throw new Error(`--db must be sqlite, postgresql or both (got "${value}")`);
}

/**
 * `--db both`: runs this bench once per database in child processes with the same arguments, and exits with the
 * worst status. Returns only for a single database.
 */
export function runPerDatabase(db: BenchDatabaseKind | "both", script: string): BenchDatabaseKind {
  if (db !== "both") return db;
  const args = process.argv.slice(2);
  const without = args.filter((a, i) => a !== "--db" && args[i - 1] !== "--db" && !a.startsWith("--db="));
  let status = 0;
  for (const kind of ["sqlite", "postgresql"] as const) {
    const r = spawnSync(process.execPath, [...process.execArgv, script, ...without, "--db", kind], { stdio: "inherit", env: process.env });
    status = Math.max(status, r.status ?? 1);
  }
  process.exit(status);
}

/** The URL of a benchmark's database named `name` (a file for SQLite, a database for PostgreSQL). */
export function benchDatabaseUrl(kind: BenchDatabaseKind, name: string): string {
  if (kind === "sqlite") return `file:./data/bench/${name}.db`;
  const u = new URL(POSTGRES_SERVER());
  // BENCH_DB_TAG (say, a branch name) keeps benches run side by side from different worktrees apart on one server.
  const tag = process.env.BENCH_DB_TAG ? `${process.env.BENCH_DB_TAG}_` : "";
  u.pathname = `/joinscope_bench_${`${tag}${name}`.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}`;
  return u.toString();
}

/** A fresh, migrated database for a benchmark: the SQLite file removed, or the PostgreSQL database dropped and created. */
export async function createBenchDatabase(kind: BenchDatabaseKind, name: string): Promise<string> {
  const url = benchDatabaseUrl(kind, name);
  if (kind === "postgresql") {
    const database = new URL(url).pathname.slice(1);
    await withPostgresAdmin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await c.query(`CREATE DATABASE "${database}"`);
      // BENCH_PG_AUTO_EXPLAIN_MS: the server's log gets the plan of every statement of the bench's connections slower
      // than that (auto_explain, its database only), with each node's time when BENCH_PG_AUTO_EXPLAIN_ANALYZE is set.
      const explainMs = process.env.BENCH_PG_AUTO_EXPLAIN_MS;
      if (explainMs && /^\d+$/.test(explainMs)) {
        await c.query(`ALTER DATABASE "${database}" SET session_preload_libraries = 'auto_explain'`);
        await c.query(`ALTER DATABASE "${database}" SET auto_explain.log_min_duration = ${explainMs}`);
        if (process.env.BENCH_PG_AUTO_EXPLAIN_ANALYZE) await c.query(`ALTER DATABASE "${database}" SET auto_explain.log_analyze = on`);
      }
    });
  }
  freshDatabase(url);
  return url;
}

/** Drops a benchmark's PostgreSQL database (a SQLite file stays, for a look afterwards, and is replaced by the next run). */
export async function dropBenchDatabase(url: string): Promise<void> {
  if (url.startsWith("file:")) return;
  const database = new URL(url).pathname.slice(1);
  await withPostgresAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
}

/** What the run measured against, for the result's heading: "SQLite" or "PostgreSQL 15.x". */
export async function databaseLabel(kind: BenchDatabaseKind): Promise<string> {
  if (kind === "sqlite") return "SQLite";
  const version = await withPostgresAdmin(async (c) => (await c.query<{ server_version: string }>(`SHOW server_version`)).rows[0]?.server_version ?? "?");
  return `PostgreSQL ${version.split(" ")[0]}`;
}

async function withPostgresAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_SERVER() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
