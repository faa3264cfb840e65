/**
 * The 100,000-device tenant that bench:ui builds (bench/lib/ui-setup.ts), found or built for another bench: the same
 * files and databases (data/bench/ui-*.{json,db}; PostgreSQL joinscope_bench_ui_v<version>_<devices>), so bench:ui
 * and bench:export share one build. JOINSCOPE_BENCH_PG_SUFFIX=name appends
 * `_name` to the PostgreSQL database's name: a worktree of its own then never drops (or reads) another's database.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { freshDatabase, ROOT } from "./server";

/** Bump when bench/lib/tenant-data.ts or ui-setup.ts's load changes what the tenant holds. */
export const UI_DATA_VERSION = 2;

export interface BuiltTenant {
  tenantRef: string;
  devices: number;
  reports: number;
  builtAt: string;
  loadSeconds: number;
  summarySeconds: number;
  passSeconds: number;
  opened: number;
}

const tsx = ["--conditions=react-server", "--import", "tsx"];

export function uiSetupStep<T>(mode: "load" | "ready" | "login", url: string, devices: number): T {
  const r = spawnSync(process.execPath, [...tsx, join(ROOT, "bench/lib/ui-setup.ts"), mode], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "warn", BENCH_DEVICES: String(devices) },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench setup step ${mode} failed`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as T;
}

export function postgresUrl(database: string): string {
  const u = new URL(process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test");
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function prepareUiTenant(
  kind: "sqlite" | "postgresql",
  devices: number,
  fresh: boolean,
): Promise<{ url: string; built: BuiltTenant; reused: boolean }> {
  const name = `ui-${kind}-v${UI_DATA_VERSION}-${devices}`;
  const marker = join(ROOT, "data/bench", `${name}.json`);
  const suffix = process.env.JOINSCOPE_BENCH_PG_SUFFIX ? `_${process.env.JOINSCOPE_BENCH_PG_SUFFIX.replace(/\W/g, "")}` : "";
  const url = kind === "sqlite" ? `file:./data/bench/${name}.db` : postgresUrl(`joinscope_bench_ui_v${UI_DATA_VERSION}_${devices}${suffix}`);
  mkdirSync(join(ROOT, "data/bench"), { recursive: true });
  const database = new URL(url).pathname.slice(1);
  const exists =
    kind === "sqlite"
      ? existsSync(join(ROOT, url.slice(5)))
      : await withAdmin(async (c) => (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database])).rowCount === 1);
  if (!fresh && existsSync(marker) && exists) {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts/db-migrate.mjs")], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (r.status !== 0) throw new Error(`migration failed for ${url}`);
    uiSetupStep("ready", url, devices);
    return { url, built: JSON.parse(readFileSync(marker, "utf8")) as BuiltTenant, reused: true };
  }
  if (kind === "postgresql") {
    await withAdmin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await c.query(`CREATE DATABASE "${database}"`);
    });
  }
  freshDatabase(url);
  console.error(`bench (${kind}): writing ${devices} devices and their reports, then summaries and a findings pass…`);
  const built = uiSetupStep<BuiltTenant>("load", url, devices);
  writeFileSync(marker, JSON.stringify(built));
  return { url, built, reused: false };
}
