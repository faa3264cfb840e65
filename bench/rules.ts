/**
 * Rule evaluation over a tenant of N devices (default 100,000) that all report, from a cold start and
 * incrementally after 1% of the devices changed.
 *
 *   npm run bench:rules [-- --devices 100000 --db sqlite|postgresql|both]
 *
 * Setup (not timed) writes the simulator's devices and one report per device straight into a fresh database (SQLite,
 * or with --db postgresql a PostgreSQL database of its own, dropped afterwards; bench/lib/tenant-data.ts), then builds their device summaries once. Each measured step runs in a fresh process: the floor (reading the same rows through the same
 * loader, no rules, no writes; run before and after the full pass, and their mean taken), the full pass (rules + findings lifecycle writes), and the incremental pass.
 * Targets: full within 2× of the floor and under 10 s; incremental under 1 s. Exits 1 on a miss.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createBenchDatabase, databaseLabel, dropBenchDatabase, parseDbOption, runPerDatabase } from "./lib/bench-database";
import { ROOT } from "./lib/server";

const { values } = parseArgs({ options: { devices: { type: "string", default: "100000" }, db: { type: "string", default: "sqlite" } } });
const kind = runPerDatabase(parseDbOption(values.db), import.meta.filename);
const N = Number(values.devices);

console.error(`bench:rules: generating ${N} devices and their reports (${kind})…`);
const dbUrl = await createBenchDatabase(kind, "rules");
const tsx = ["--conditions=react-server", "--import", "tsx"];
function step(mode: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...tsx, join(ROOT, "bench/lib/rules-worker.ts"), mode], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: "warn", ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${mode} step failed`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as {
    seconds: number;
    cpuSeconds: number;
    mainCpuSeconds: number;
    peakRssMb: number;
    subjects: number;
    opened?: number;
    resolved?: number;
  };
}
const loaded = spawnSync(process.execPath, [...tsx, join(ROOT, "bench/lib/rules-worker.ts"), "load"], {
  cwd: ROOT,
  env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: "warn", BENCH_DEVICES: String(N) },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
  maxBuffer: 64 * 1024 * 1024,
});
if (loaded.status !== 0) throw new Error("load step failed");
const { reports, changed } = JSON.parse(loaded.stdout.trim().split("\n").pop()!) as { reports: number; changed: string[] };
// The full pass between two runs of its floor (their mean): this machine's speed drifts by tens of percent over
// minutes, so the floor is measured around the same time as the pass.
// The device summaries a synced tenant has (lib/device-summary), built once; not measured against a target.
const summaries = step("summaries");
const floorBefore = step("floor");
const full = step("full");
const floorAfter = step("floor");
const floor = {
  ...floorBefore,
  seconds: (floorBefore.seconds + floorAfter.seconds) / 2,
  cpuSeconds: (floorBefore.cpuSeconds + floorAfter.cpuSeconds) / 2,
  mainCpuSeconds: (floorBefore.mainCpuSeconds + floorAfter.mainCpuSeconds) / 2,
  peakRssMb: Math.max(floorBefore.peakRssMb, floorAfter.peakRssMb),
};
// 1% of the devices change: disabled in the directory (as a delta sync would write it).
spawnSync(process.execPath, [...tsx, join(ROOT, "bench/lib/rules-worker.ts"), "disable"], {
  cwd: ROOT,
  env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: "warn", BENCH_CHANGED: JSON.stringify(changed) },
  stdio: ["ignore", "ignore", "inherit"],
});
const incremental = step("incremental", { BENCH_CHANGED: JSON.stringify(changed) });
const label = await databaseLabel(kind);
await dropBenchDatabase(dbUrl);

const ratio = full.seconds / floor.seconds;
const ok = ratio <= 2 && full.seconds < 10 && incremental.seconds < 1;
const row = (label: string, r: ReturnType<typeof step>, extra = "") =>
  `  ${label.padEnd(37)}${r.seconds.toFixed(2).padStart(9)}${r.cpuSeconds.toFixed(1).padStart(7)}${r.mainCpuSeconds.toFixed(1).padStart(7)}${String(r.subjects).padStart(10)}${String(r.peakRssMb).padStart(13)}${extra}`;
console.log(`
bench:rules  ${N} devices, ${reports} with a report, ${label}, each step a cold process
  step                                   seconds    CPU   main  subjects  peak RSS MB
${row("floor: read the same rows, no rules", floor)}   mean of before/after the pass: ${floorBefore.seconds.toFixed(2)} s, ${floorAfter.seconds.toFixed(2)} s
${row("full pass (rules + lifecycle writes)", full, `   opened ${full.opened}`)}
${row(`incremental (1% changed: ${changed.length})`, incremental, `   opened ${incremental.opened}`)}
  full / floor ${ratio.toFixed(2)}× wall, ${(full.mainCpuSeconds / floor.mainCpuSeconds).toFixed(2)}× main-thread CPU (target ≤ 2× and < 10 s) · incremental target < 1 s
  CPU: every thread of the step's process; main: its main thread (the writes of a full pass run on another)
  (not judged) device summaries built once before the pass: ${summaries.seconds.toFixed(2)} s for ${summaries.subjects} rows
  ${ok ? "PASS" : "FAIL"}
`);
process.exit(ok ? 0 : 1);
