/**
 * Issue 19's bench: a tenant's blocked sign-ins pulled from the simulator, joined with its devices and explained, then
 * the Sign-ins view over them.
 *
 *   npm run bench:signins [-- --events 1000000 --devices 100000 --days 7 --db sqlite|postgresql|both --requests 30 --latency 20 --port 3470]
 *                         [-- --skip-view] [-- --profile DIR] [-- --setup-only | --reuse-setup | --view-only] [-- --now ISO]
 *
 * The simulator (bench/lib/signins-sim-child.ts, a process of its own) generates `--devices` devices and `--events`
 * blocked sign-ins over `--days` days, consistent with the devices' scenarios (simulator/sign-ins/generate-sign-ins.ts),
 * and serves `/auditLogs/signIns` with `--latency` ms per request and no request budget. For each database, in
 * processes of their own (bench/lib/signins-step.ts):
 * 1. load: the simulator's directory objects and one agent report per Windows machine written straight into the
 *    tables, as a full sync and the agents' uploads leave them (untimed set-up, bench/lib/tenant-data.ts);
 * 2. pull: the bare fetch floor (the same pages fetched and validated, nothing stored), the pull (fetch, join, rules,
 *    rows and rollups), the floor again. Target: the pull within 2× of the mean floor;
 * 3. the view: the production server, a signed-in admin, each Sign-ins page requested `--requests` times (after three
 *    unmeasured) from the request to its body's last byte, and after each request its floor: the page's own rows read
 *    by one direct indexed query (lib/queries/find-sign-ins.ts signInPageQuery, the same SQL), and a signed-in page
 *    that reads nothing (/diagnose), as bench:ui does. Target: p95 under 200 ms.
 * `--skip-view` stops after the pull (no production build needed: for iterating on the pull). `--profile DIR` writes a
 * V8 CPU profile of the pull step's process (its main thread and the SQLite writer's thread) to DIR.
 * Prints the machine's load average. Exits 1 on a miss.
 *
 * SQLite's set-up can be kept and used again: `--setup-only` stops after step 1 and keeps a copy of the loaded database beside it
 * (`….setup` and its `.json`: the tenant's "now", the seed and the load's figures); `--reuse-setup` starts from that
 * copy instead (same `--devices`, `--events`, `--days`), with the simulator generating the same tenant at the same
 * "now" and the copy's app registration pointed at it. `--now` sets the tenant's "now" (default: the run's start).
 * `--view-only` (SQLite, a kept set-up) measures only the view, over the rows the last run with the same sizes pulled
 * into its database (migrations added since applied first): for a view change measured at a size whose pull is long.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDirectDb, type DirectDb } from "@/lib/db/direct";
import { signInPageQuery } from "@/lib/queries/find-sign-ins";
import { DEFAULT_SIGN_IN_LIST_PARAMS, signInListHref, type SignInListParams } from "@/lib/url-params/sign-in-list-params";
import { ensureSimulatorCertificates } from "@/simulator/certificates";
import { ensureBuild, freshDatabase, migrateDatabase, percentile, ROOT, startServer } from "./lib/server";

const PULL_RATIO_TARGET = 2;
const P95_TARGET_MS = 200;
const SEED = 1977;

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    devices: { type: "string", default: "100000" },
    days: { type: "string", default: "7" },
    db: { type: "string", default: "sqlite" },
    requests: { type: "string", default: "30" },
    latency: { type: "string", default: "20" },
    /** The SQLite run's server; PostgreSQL's the next port. Both must be free (checked). */
    port: { type: "string", default: "3470" },
    "skip-view": { type: "boolean", default: false },
    profile: { type: "string" },
    "setup-only": { type: "boolean", default: false },
    "reuse-setup": { type: "boolean", default: false },
    "view-only": { type: "boolean", default: false },
    now: { type: "string" },
  },
});
const SETUP_ONLY = values["setup-only"]!;
const REUSE_SETUP = values["reuse-setup"]!;
const SKIP_VIEW = values["skip-view"]!;
const VIEW_ONLY = values["view-only"]!;
const EVENTS = Number(values.events);
const DEVICES = Number(values.devices);
const REQUESTS = Math.max(30, Number(values.requests));
const kinds =
  values.db === "both"
    ? (["sqlite", "postgresql"] as const)
    : values.db === "postgres" || values.db === "postgresql"
      ? (["postgresql"] as const)
      : (["sqlite"] as const);
const setupFile = (kind: string) => join(ROOT, `data/bench/signins-${values.devices}-${values.events}-${values.days}d.${kind}`);
interface SavedSetup {
  now: string;
  seed: number;
  devices: number;
  events: number;
  days: string;
  loaded: Loaded;
}
if ((SETUP_ONLY || REUSE_SETUP || VIEW_ONLY) && kinds.some((k) => k !== "sqlite"))
  throw new Error("bench:signins: --setup-only, --reuse-setup and --view-only are for SQLite");
if ([SETUP_ONLY, REUSE_SETUP, VIEW_ONLY, VIEW_ONLY && SKIP_VIEW].filter(Boolean).length > 1)
  throw new Error("bench:signins: one of --setup-only, --reuse-setup and --view-only (without --skip-view)");
const saved: SavedSetup | null = REUSE_SETUP || VIEW_ONLY ? (JSON.parse(readFileSync(setupFile("setup.json"), "utf8")) as SavedSetup) : null;
if (saved && saved.seed !== SEED) throw new Error("bench:signins: the kept set-up was generated with another seed");
const NOW = saved?.now ?? (values.now ? new Date(values.now).toISOString() : new Date().toISOString());
const tsx = ["--conditions=react-server", "--import", "tsx"];

if (!SKIP_VIEW && !SETUP_ONLY) ensureBuild();
const { caPath } = await ensureSimulatorCertificates();
console.error(`bench:signins: generating ${DEVICES} devices and ${EVENTS} blocked sign-ins over ${values.days} days in the simulator…`);
const simChild = spawn(
  process.execPath,
  [
    ...tsx,
    join(ROOT, "bench/lib/signins-sim-child.ts"),
    "--devices",
    String(DEVICES),
    "--events",
    String(EVENTS),
    "--days",
    values.days!,
    "--latency",
    values.latency!,
    "--seed",
    String(SEED),
    "--now",
    NOW,
  ],
  { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=8192" } },
);
const simLines = createInterface({ input: simChild.stdout! });
const sim = JSON.parse(await new Promise<string>((resolve) => simLines.once("line", resolve))) as {
  tenantId: string;
  authorityHost: string;
  signIns: number;
  devices: number;
  generateSeconds: number;
};

function step<T>(mode: string, url: string): T {
  const profile = values.profile && mode === "pull" ? ["--cpu-prof", `--cpu-prof-dir=${values.profile}`] : [];
  const r = spawnSync(process.execPath, [...profile, ...tsx, join(ROOT, "bench/lib/signins-step.ts"), mode], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      LOG_LEVEL: "warn",
      NODE_EXTRA_CA_CERTS: caPath,
      JOINSCOPE_ALLOWED_CLOUD_HOSTS: sim.authorityHost,
      BENCH_SIMULATOR: JSON.stringify(sim),
      BENCH_NOW: NOW,
      BENCH_SEED: String(SEED),
      BENCH_DEVICES: String(DEVICES),
      NODE_OPTIONS: "--max-old-space-size=6144",
    },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench:signins step ${mode} failed`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as T;
}

function postgresUrl(database: string): string {
  const u = new URL(process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test");
  u.pathname = `/${database}`;
  return u.toString();
}

async function recreatePostgresDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test" });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

interface Loaded {
  tenantRef: string;
  devices: number;
  reports: number;
  /** The directory objects and reports written (bench/lib/tenant-data.ts), then the summaries built. */
  writeSeconds: number;
  summarySeconds: number;
}
interface Floor {
  seconds: number;
  cpuSeconds: number;
  pages: number;
  events: number;
}
interface Pulled {
  floorBefore: Floor;
  floorAfter: Floor;
  pull: { seconds: number; cpuSeconds: number; pages: number; seen: number; stored: number };
  rows: number;
  joined: number;
  unexplained: number;
  peakRssMb: number;
  jsonBytes: { signIn: number; findings: number };
}

async function timePage(base: string, path: string, cookie: string): Promise<{ ms: number; status: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status, bytes: body.byteLength };
}

async function timeQuery(direct: DirectDb, tenantRef: string, params: SignInListParams): Promise<number> {
  const q = signInPageQuery({ tenantRef, params, now: new Date(), dialect: direct.dialect });
  const started = performance.now();
  await direct.query(q.sql, q.params);
  return performance.now() - started;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

const fmt = (ms: number) => ms.toFixed(1).padStart(8);

function pullPassed(pulled: Pulled): boolean {
  const floor = (pulled.floorBefore.seconds + pulled.floorAfter.seconds) / 2;
  return pulled.pull.seconds / floor <= PULL_RATIO_TARGET && pulled.pull.seen === pulled.floorBefore.events && pulled.rows === sim.signIns;
}

function pullReport(pulled: Pulled, loaded: Loaded, loadBefore: number): string {
  const floor = (pulled.floorBefore.seconds + pulled.floorAfter.seconds) / 2;
  const ratio = pulled.pull.seconds / floor;
  const pullOk = pullPassed(pulled);
  return `  load average (1 min) ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores
  set-up: ${loaded.devices} directory objects and ${loaded.reports} agent reports written ${loaded.writeSeconds.toFixed(1)} s, summaries ${loaded.summarySeconds.toFixed(1)} s
  fetch floor (same ${pulled.floorBefore.pages} pages, validated, nothing stored)   before ${pulled.floorBefore.seconds.toFixed(2)} s (CPU ${pulled.floorBefore.cpuSeconds.toFixed(1)} s), after ${pulled.floorAfter.seconds.toFixed(2)} s (CPU ${pulled.floorAfter.cpuSeconds.toFixed(1)} s), mean ${floor.toFixed(2)} s
  pull + join + rules + rows + rollups                             ${pulled.pull.seconds.toFixed(2)} s (CPU ${pulled.pull.cpuSeconds.toFixed(1)} s), ${pulled.pull.pages} pages, ${pulled.pull.seen} seen, ${pulled.pull.stored} stored, peak RSS ${pulled.peakRssMb} MB
    ${pulled.joined} of ${pulled.rows} rows joined with a machine, ${pulled.unexplained} unexplained; a row's JSON (newest 10,000 rows): sign-in ${pulled.jsonBytes.signIn} B, findings ${pulled.jsonBytes.findings} B
  pull / floor ${ratio.toFixed(2)}× (target ≤ ${PULL_RATIO_TARGET}×, every event stored); CPU pull / floor ${(pulled.pull.cpuSeconds / ((pulled.floorBefore.cpuSeconds + pulled.floorAfter.cpuSeconds) / 2)).toFixed(2)}×  ${pullOk ? "pass" : "FAIL"}`;
}

async function run(kind: "sqlite" | "postgresql"): Promise<boolean> {
  const url = kind === "sqlite" ? `file:./data/bench/signins-${DEVICES}-${EVENTS}.db` : postgresUrl(`joinscope_bench_signins_${DEVICES}_${EVENTS}`);
  mkdirSync(join(ROOT, "data/bench"), { recursive: true });
  const file = kind === "sqlite" ? join(ROOT, url.slice("file:".length)) : null;
  let loaded: Loaded;
  if (VIEW_ONLY) {
    if (!existsSync(file!)) throw new Error(`bench:signins: --view-only needs ${file}, pulled by a run with the same sizes`);
    migrateDatabase(url);
    loaded = saved!.loaded;
  } else if (saved) {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
    copyFileSync(setupFile("setup"), file!);
    // A set-up kept before a later migration gets it now.
    migrateDatabase(url);
    console.error(
      `bench:signins (${kind}): the kept set-up (${saved.loaded.devices} devices, ${saved.loaded.reports} reports, now ${saved.now}), its app pointed at this simulator…`,
    );
    step("rebind", url);
    loaded = saved.loaded;
  } else {
    if (kind === "postgresql") await recreatePostgresDatabase(url);
    freshDatabase(url);
    console.error(`bench:signins (${kind}): writing ${sim.devices} directory objects and their machines' reports…`);
    loaded = step<Loaded>("load", url);
  }
  if (SETUP_ONLY) {
    // One file to copy: the WAL folded into it first.
    step("checkpoint", url);
    copyFileSync(file!, setupFile("setup"));
    const kept: SavedSetup = { now: NOW, seed: SEED, devices: DEVICES, events: EVENTS, days: values.days!, loaded };
    writeFileSync(setupFile("setup.json"), JSON.stringify(kept));
    console.log(
      `bench:signins  ${kind}: set-up kept in ${setupFile("setup")}: ${loaded.devices} directory objects and ${loaded.reports} agent reports written ${loaded.writeSeconds.toFixed(1)} s, summaries ${loaded.summarySeconds.toFixed(1)} s (now ${NOW}); run again with --reuse-setup`,
    );
    return true;
  }
  const loadBefore = loadavg()[0]!;
  if (!VIEW_ONLY) console.error(`bench:signins (${kind}): floor, pull, floor…`);
  const pulled = VIEW_ONLY ? null : step<Pulled>("pull", url);
  const pullLines = pulled
    ? pullReport(pulled, loaded, loadBefore)
    : `  load average (1 min) ${loadBefore.toFixed(1)} on ${availableParallelism()} cores before the view\n  (pull not run: --view-only, the rows the last run pulled into ${file})`;
  const pullOk = pulled ? pullPassed(pulled) : true;
  if (SKIP_VIEW) {
    console.log(`
bench:signins  ${kind}: ${sim.devices} devices, ${sim.signIns} blocked sign-ins over ${values.days} days (generated in ${sim.generateSeconds.toFixed(1)} s), ${values.latency} ms per Graph request
${pullLines}
  (view skipped: --skip-view)
  ${pullOk ? "PASS" : "FAIL"}`);
    return pullOk;
  }

  const sample = step<{ tenantRef: string; cause: SignInListParams["cause"]; user: string; device: string | null }>("sample", url);
  const { token } = step<{ token: string }>("login", url);
  const cookie = `joinscope_session=${token}`;
  const p = (change: Partial<SignInListParams>): SignInListParams => ({ ...DEFAULT_SIGN_IN_LIST_PARAMS, ...change });
  const cases: { label: string; params: SignInListParams }[] = [
    { label: "this week (default)", params: p({}) },
    { label: "this month", params: p({ period: "month" }) },
    { label: "today", params: p({ period: "day" }) },
    { label: `cause ${sample.cause}`, params: p({ cause: sample.cause }) },
    { label: "app OfficeHome", params: p({ app: "OfficeHome" }) },
    { label: "one user, with machines", params: p({ user: sample.user, period: "month" }) },
    ...(sample.device ? [{ label: "one device", params: p({ device: sample.device, period: "month" }) }] : []),
  ];
  const port = Number(values.port) + (kind === "postgresql" ? 1 : 0);
  if (await portInUse(port)) throw new Error(`bench:signins: port ${port} is in use (another server would be measured); pick others with --port`);
  const server = await startServer({ databaseUrl: url, port });
  const direct = createDirectDb(url);
  const lines: string[] = [];
  let viewOk = true;
  try {
    for (let i = 0; i < 3; i++) await timePage(server.url, "/diagnose", cookie);
    for (const c of cases) {
      const path = signInListHref(c.params);
      const times: number[] = [];
      const empty: number[] = [];
      const queries: number[] = [];
      let status = 0;
      let bytes = 0;
      for (let i = 0; i < 3; i++) {
        await timePage(server.url, path, cookie);
        await timeQuery(direct, sample.tenantRef, c.params);
      }
      for (let i = 0; i < REQUESTS; i++) {
        const t = await timePage(server.url, path, cookie);
        times.push(t.ms);
        status = t.status;
        bytes = t.bytes;
        empty.push((await timePage(server.url, "/diagnose", cookie)).ms);
        queries.push(await timeQuery(direct, sample.tenantRef, c.params));
      }
      const p95 = percentile(times, 95);
      const queryP95 = percentile(queries, 95);
      const emptyP95 = percentile(empty, 95);
      const pass = status === 200 && p95 < P95_TARGET_MS;
      if (!pass) viewOk = false;
      lines.push(
        `  ${c.label.slice(0, 41).padEnd(42)}${fmt(percentile(times, 50))}${fmt(p95)}${fmt(queryP95)}${fmt(emptyP95)}${`${(p95 / (queryP95 + emptyP95)).toFixed(2)}×`.padStart(9)}  ${status} ${String(Math.round(bytes / 1024)).padStart(4)} KB  ${pass ? "pass" : "FAIL"}`,
      );
    }
  } finally {
    await server.stop();
    await direct.close();
  }
  const loadAfter = loadavg()[0]!;
  console.log(`
bench:signins  ${kind}: ${sim.devices} devices, ${sim.signIns} blocked sign-ins over ${values.days} days (generated in ${sim.generateSeconds.toFixed(1)} s), ${values.latency} ms per Graph request
  load average (1 min) at the end of the view ${loadAfter.toFixed(1)}
${pullLines}
  Sign-ins view, ${REQUESTS} requests per page, one at a time
  page                                          p50 ms  p95 ms  query p95  empty p95  p95/(q+e)
${lines.join("\n")}
  targets: p95 < ${P95_TARGET_MS} ms (query: the page's own rows by one direct indexed query; empty: a signed-in page that reads nothing)
  ${pullOk && viewOk ? "PASS" : "FAIL"}`);
  return pullOk && viewOk;
}

let allOk = true;
try {
  for (const kind of kinds) allOk = (await run(kind)) && allOk;
} finally {
  simChild.stdin!.write("quit\n");
}
process.exit(allOk ? 0 : 1);
