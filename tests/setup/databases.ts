/**
 * Test databases, epic-stack style: one migrated template per run, a fresh copy per test file.
 * JOINSCOPE_TEST_DATABASE=sqlite (default) or postgresql; TEST_POSTGRES_URL names the server
 * (default postgresql://postgres@127.0.0.1:5432/test).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import pg from "pg";

export const ROOT = resolve(import.meta.dirname, "../..");
const PG_PREFIX = "joinscope_test_";

// Each `vitest run` gets its own databases, so two runs on one machine (a developer and a watcher,
// or parallel agents) never delete each other's. globalSetup sets the id; workers inherit it.
function runId(): string {
  const id = process.env.JOINSCOPE_TEST_RUN;
  if (!id) throw new Error("JOINSCOPE_TEST_RUN is not set: integration tests must run through vitest's globalSetup");
  return id;
}
const sqliteDir = () => join(ROOT, "data/test", runId());
const sqliteTemplate = () => join(sqliteDir(), "template.db");
const pgTemplate = () => `${PG_PREFIX}${runId()}_template`;

export function testDatabaseKind(): "sqlite" | "postgresql" {
  return process.env.JOINSCOPE_TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite";
}

export function postgresServerUrl(): string {
  return process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function migrate(url: string): void {
  execFileSync(process.execPath, [join(ROOT, "scripts/db-migrate.mjs")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** globalSetup: build the migrated template once per run; returns the teardown that removes the run's databases. */
export async function prepareTemplate(): Promise<() => Promise<void>> {
  process.env.JOINSCOPE_TEST_RUN = `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  if (testDatabaseKind() === "sqlite") {
    mkdirSync(sqliteDir(), { recursive: true });
    migrate(`file:${sqliteTemplate()}`);
    const dir = sqliteDir();
    return async () => rmSync(dir, { recursive: true, force: true });
  }
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${pgTemplate()}"`));
  migrate(withDatabase(postgresServerUrl(), pgTemplate()));
  const prefix = `${PG_PREFIX}${runId()}_`;
  return () =>
    withAdmin(async (admin) => {
      const mine = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]);
      for (const row of mine.rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    });
}

async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: postgresServerUrl() });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

let counter = 0;

/** A fresh, migrated database for one test file; returns its DATABASE_URL. */
export async function createTestDatabase(): Promise<string> {
  const id = `w${process.env.VITEST_POOL_ID ?? "0"}_${process.pid}_${++counter}`;
  if (testDatabaseKind() === "sqlite") {
    const file = join(sqliteDir(), `${id}.db`);
    copyFileSync(sqliteTemplate(), file);
    return `file:${file}`;
  }
  const name = `${PG_PREFIX}${runId()}_${id}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${pgTemplate()}"`));
  return withDatabase(postgresServerUrl(), name);
}
