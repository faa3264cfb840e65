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
const SQLITE_DIR = join(ROOT, "data/test");
const SQLITE_TEMPLATE = join(SQLITE_DIR, "template.db");
const PG_TEMPLATE = "joinscope_test_template";
const PG_PREFIX = "joinscope_test_";

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

/** globalSetup: build the migrated template once. */
export async function prepareTemplate(): Promise<void> {
  if (testDatabaseKind() === "sqlite") {
    rmSync(SQLITE_DIR, { recursive: true, force: true });
    mkdirSync(SQLITE_DIR, { recursive: true });
    migrate(`file:${SQLITE_TEMPLATE}`);
    return;
  }
  const admin = new pg.Client({ connectionString: postgresServerUrl() });
  await admin.connect();
  try {
    const old = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [PG_TEMPLATE, `${PG_PREFIX}w%`],
    );
    for (const row of old.rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${PG_TEMPLATE}"`);
  } finally {
    await admin.end();
  }
  migrate(withDatabase(postgresServerUrl(), PG_TEMPLATE));
}

let counter = 0;

/** A fresh, migrated database for one test file; returns its DATABASE_URL. */
export async function createTestDatabase(): Promise<string> {
  const id = `w${process.env.VITEST_POOL_ID ?? "0"}_${process.pid}_${++counter}_${Date.now().toString(36)}`;
  if (testDatabaseKind() === "sqlite") {
    const file = join(SQLITE_DIR, `${id}.db`);
    copyFileSync(SQLITE_TEMPLATE, file);
    return `file:${file}`;
  }
  const name = `${PG_PREFIX}${id}`;
  const admin = new pg.Client({ connectionString: postgresServerUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${PG_TEMPLATE}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(postgresServerUrl(), name);
}
