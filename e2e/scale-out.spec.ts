/**
 * Scale-out, proven with two real server processes (scripts/serve.mjs, the production build) on one PostgreSQL
 * database, both schedulers on, while the simulator's tenant is synced in full and agents upload to both at once:
 * one sync per tenant, findings passes one at a time (no finding opened twice, no error logged), every valid report
 * stored once whichever instance received it and however often it was sent. No browser: HTTP and the database.
 *
 * Needs PostgreSQL (TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/test): skipped with a message
 * without one, except in CI, where it fails.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { expect, test } from "@playwright/test";
import pg from "pg";

const root = join(import.meta.dirname, "..");
const tsx = ["--conditions=react-server", "--import", "tsx"];
const serverUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const basePort = Number(process.env.E2E_PORT ?? 3100) + 50;
const database = `joinscope_e2e_scale_out_${basePort}`;
const REPORTS = 300;
const FIXTURES = [
  "win10-1607-hybrid.txt",
  "win10-20h2-hybrid.txt",
  "win11-23h2-hybrid.txt",
  "win11-24h2-hybrid-full.txt",
  "win10-21h2-registered.txt",
  "win11-23h2-entra-mfa-required.txt",
];

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 5432) });
    socket.setTimeout(2000);
    socket.on("connect", () => (socket.end(), resolve(true)));
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => (socket.destroy(), resolve(false)));
  });
}

function databaseUrl(): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** One JSON line from a child's stdout that satisfies `pick`. */
function firstJsonLine<T>(child: ChildProcess, pick: (value: Record<string, unknown>) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`exited ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith("{")) return;
      const value = JSON.parse(line) as Record<string, unknown>;
      if (pick(value)) resolve(value as T);
    });
  });
}

interface Instance {
  url: string;
  child: ChildProcess;
  log: string[];
}

function startInstance(port: number, env: Record<string, string>): Instance {
  const child = spawn(process.execPath, [join(root, "scripts/serve.mjs"), "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => log.push(line));
  createInterface({ input: child.stderr! }).on("line", (line) => log.push(line));
  return { url: `http://127.0.0.1:${port}`, child, log };
}

async function waitUntilServing(instance: Instance): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${instance.url}/login`)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${instance.url} did not start:\n${instance.log.slice(-20).join("\n")}`);
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** The JSON log lines of an instance (lib/log/logger.ts writes one object per line). */
function entries(instance: Instance): { level: string; message: string; [key: string]: unknown }[] {
  return instance.log.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}

test.describe("two app instances on one PostgreSQL database", () => {
  test.setTimeout(240_000);

  test("one sync per tenant, findings passes one at a time, every report stored once", async () => {
    if (!(await reachable(serverUrl))) {
      test.skip(process.env.CI !== "true", `SKIPPED: no PostgreSQL server at ${new URL(serverUrl).host}; set TEST_POSTGRES_URL to run the scale-out test`);
      throw new Error(`no PostgreSQL server at ${new URL(serverUrl).host}, and CI requires the scale-out test`);
    }
    await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await adminQuery(`CREATE DATABASE "${database}"`);
    const url = databaseUrl();
    const migrate = spawnSync(process.execPath, [join(root, "scripts/db-migrate.mjs")], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      encoding: "utf8",
    });
    expect(migrate.status, migrate.stderr).toBe(0);

    // The simulator in its own process, 2,000 devices, each Graph request answered after 1 s: the full sync spans
    // several seconds, during which the uploads arrive.
    const simulator = spawn(process.execPath, [...tsx, join(root, "bench/lib/sim-child.ts"), "--devices", "2000", "--latency", "1000", "--seed", "91"], {
      cwd: root,
      stdio: ["pipe", "pipe", "inherit"],
    });
    const instances: Instance[] = [];
    const db = new pg.Client({ connectionString: url });
    try {
      const sim = await firstJsonLine<{
        tenantId: string;
        clientId: string;
        clientSecret: string;
        authorityHost: string;
        graphBaseUrl: string;
        caPath: string;
        devices: number;
      }>(simulator, (v) => v.ready === true);
      const env = {
        DATABASE_URL: url,
        JOINSCOPE_SECRET_KEY: randomBytes(32).toString("base64"),
        NODE_EXTRA_CA_CERTS: sim.caPath,
        JOINSCOPE_ALLOWED_CLOUD_HOSTS: sim.authorityHost,
        LOG_LEVEL: "info",
      };
      const seed = spawnSync(process.execPath, [...tsx, join(root, "e2e/scale-out-seed.ts")], {
        cwd: root,
        env: { ...process.env, ...env, SCALE_OUT_SIMULATOR: JSON.stringify(sim), LOG_LEVEL: "warn" },
        encoding: "utf8",
      });
      expect(seed.status, seed.stderr).toBe(0);
      const { tenantRef, token } = JSON.parse(seed.stdout.trim().split("\n").pop()!) as { tenantRef: string; token: string };

      // Both schedulers on (a delta sync due every minute; the first tick comes 5 s after start).
      const schedulerEnv = { ...env, JOINSCOPE_SYNC_INTERVAL_MINUTES: "1", JOINSCOPE_INGEST_RATE_LIMIT: "100000" };
      instances.push(startInstance(basePort, schedulerEnv), startInstance(basePort + 1, schedulerEnv));
      await Promise.all(instances.map(waitUntilServing));

      // The upload burst starts once a scheduler's first tick (5 s after start) has begun the full sync: on a quick
      // machine the whole burst could otherwise be over before it, and prove nothing about uploads during a sync.
      await db.connect();
      await expect
        .poll(
          async () => (await db.query(`SELECT COUNT(*)::int AS "n" FROM "SyncRun" WHERE "tenantRef" = $1 AND "status" = 'running'`, [tenantRef])).rows[0].n,
          {
            timeout: 60_000,
            intervals: [100],
          },
        )
        .toBe(1);

      // The upload burst: every report sent to both instances at the same moment (an agent's retry that reached
      // the other instance behind a load balancer), while the first full sync runs.
      const texts = FIXTURES.map((f) => readFileSync(join(root, "lib/reports/fixtures", f), "utf8"));
      const started = Date.now() - 3_600_000;
      const statuses = new Map<number, number>();
      const burstStarted = new Date();
      for (let i = 0; i < REPORTS; i += 6) {
        await Promise.all(
          Array.from({ length: Math.min(6, REPORTS - i) }, async (_, k) => {
            const n = i + k;
            const body = JSON.stringify({
              hostname: `SCALE-${String(n).padStart(4, "0")}`,
              capturedAt: new Date(started + n * 1000).toISOString(),
              agentVersion: "1.0.0",
              dsregcmd: texts[n % texts.length],
            });
            const answers = await Promise.all(
              instances.map((instance) =>
                fetch(`${instance.url}/api/v1/reports`, {
                  method: "POST",
                  headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
                  body,
                }),
              ),
            );
            for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
          }),
        );
      }
      const burstEnded = new Date();

      // Wait for the first sync and the findings pass after it, then for the upload passes to drain.
      await expect
        .poll(
          async () =>
            (await db.query(`SELECT "findingsEvaluatedAt" FROM "Tenant" WHERE "id" = $1 AND "lastFullSyncAt" IS NOT NULL`, [tenantRef])).rows[0]
              ?.findingsEvaluatedAt ?? null,
          { timeout: 150_000, intervals: [1000] },
        )
        .not.toBeNull();
      await new Promise((r) => setTimeout(r, 3000));
      await Promise.all(instances.map((i) => stop(i.child)));

      // Both instances ran their scheduler, and both answered uploads.
      for (const instance of instances)
        expect(
          entries(instance).some((e) => e.message === "sync scheduler started"),
          instance.url,
        ).toBe(true);
      // Every report: created once (201), answered as the duplicate it is by the other instance (200), stored once.
      expect(Object.fromEntries(statuses)).toEqual({ 200: REPORTS, 201: REPORTS });
      const stored = await db.query(
        `SELECT COUNT(*)::int AS "n", COUNT(DISTINCT "contentHash")::int AS "distinct" FROM "DeviceReport" WHERE "tenantRef" = $1 AND "hostname" LIKE 'SCALE-%'`,
        [tenantRef],
      );
      expect(stored.rows[0]).toEqual({ n: REPORTS, distinct: REPORTS });

      // One sync: the schedulers' first ticks raced for the tenant's lease, one synced, the other found it held.
      const runs = await db.query(`SELECT "mode", "status", "startedAt", "finishedAt" FROM "SyncRun" WHERE "tenantRef" = $1 ORDER BY "startedAt"`, [tenantRef]);
      expect(runs.rows.map((r) => `${r.mode} ${r.status}`)).toEqual(["full succeeded"]);
      const sync = runs.rows[0]!;
      expect(sync.finishedAt.getTime(), "the uploads arrived while the full sync ran").toBeGreaterThan(burstStarted.getTime());
      expect(sync.startedAt.getTime(), "the uploads arrived while the full sync ran").toBeLessThan(burstEnded.getTime());
      const devices = await db.query(`SELECT COUNT(*)::int AS "n" FROM "DirectoryDevice" WHERE "tenantRef" = $1 AND "deletedAt" IS NULL`, [tenantRef]);
      expect(devices.rows[0].n).toBe(sim.devices);

      // Findings passes one at a time: no finding opened twice, and nothing failed in either instance.
      const opened = await db.query(
        `SELECT COUNT(*)::int AS "n" FROM (SELECT "findingRef" FROM "FindingEvent" WHERE "tenantRef" = $1 AND "kind" = 'opened' GROUP BY "findingRef" HAVING COUNT(*) > 1) AS twice`,
        [tenantRef],
      );
      expect(opened.rows[0].n).toBe(0);
      const findings = await db.query(`SELECT COUNT(*)::int AS "n" FROM "Finding" WHERE "tenantRef" = $1 AND "status" = 'open'`, [tenantRef]);
      expect(findings.rows[0].n).toBeGreaterThan(0);
      const errors = instances.flatMap((i) =>
        entries(i)
          .filter((e) => e.level === "error")
          .map((e) => `${i.url}: ${e.message}`),
      );
      expect(errors).toEqual([]);
    } finally {
      await Promise.all(instances.map((i) => stop(i.child)));
      simulator.stdin!.write("quit\n");
      await stop(simulator);
      await db.end().catch(() => undefined);
      await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    }
  });
});
