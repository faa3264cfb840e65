/**
 * Full and delta directory sync of 100,000 simulated devices, the simulator adding 20 ms latency per page.
 *
 *   npm run bench:sync [-- --devices 100000 --latency 20]
 *
 * Each step runs in a fresh process: the floor (fetch and validate the same pages, no database), the full
 * sync into an empty SQLite database, then a delta sync after 1% of devices changed. Targets: full sync
 * within 1.5× of the floor, peak RSS under 500 MB, delta under 5% of the full sync's time. Exits 1 on a miss.
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { ensureSimulatorCertificates } from "@/lib/simulator/certificates";
import { freshDatabase, ROOT } from "./lib/server";

const { values } = parseArgs({ options: { devices: { type: "string", default: "100000" }, latency: { type: "string", default: "20" } } });
const tsx = ["--conditions=react-server", "--import", "tsx"];
const { caPath } = await ensureSimulatorCertificates();

console.error(`bench:sync: generating ${values.devices} devices in the simulator…`);
const child = spawn(process.execPath, [...tsx, join(ROOT, "bench/lib/sim-child.ts"), "--devices", values.devices!, "--latency", values.latency!], {
  cwd: ROOT,
  stdio: ["pipe", "pipe", "inherit"],
  env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=4096" },
});
const lines = createInterface({ input: child.stdout! });
const nextLine = () => new Promise<string>((resolve) => lines.once("line", resolve));
const sim = JSON.parse(await nextLine());

const dbUrl = "file:./data/bench/sync.db";
freshDatabase(dbUrl);
function step(mode: string) {
  const r = spawnSync(process.execPath, [...tsx, join(ROOT, "bench/lib/sync-worker.ts"), mode], {
    cwd: ROOT,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath, BENCH_SIMULATOR: JSON.stringify(sim), DATABASE_URL: dbUrl, LOG_LEVEL: "warn" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) {
    child.kill();
    throw new Error(`${mode} step failed (exit ${r.status})`);
  }
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { seconds: number; devices: number; pages: number; peakRssMb: number; changed?: number; stored?: number };
}
const floor = step("floor");
const full = step("full");
child.stdin!.write(`mutate ${Math.round(sim.devices / 100)}\n`);
await nextLine();
const delta = step("delta");
child.stdin!.write("quit\n");

const ratio = full.seconds / floor.seconds;
const deltaShare = delta.seconds / full.seconds;
const ok = ratio <= 1.5 && full.peakRssMb < 500 && deltaShare < 0.05 && full.stored === sim.devices && delta.changed === Math.round(sim.devices / 100);
const rate = (r: { devices: number; seconds: number }) => Math.round(r.devices / r.seconds);
console.log(`
bench:sync  ${sim.devices} simulated devices, ${values.latency} ms latency per page, SQLite
  step                                  seconds   devices/s   pages   peak RSS MB
  floor: fetch + validate, no database  ${floor.seconds.toFixed(2).padStart(7)}   ${String(rate(floor)).padStart(9)}   ${String(floor.pages).padStart(5)}   ${String(floor.peakRssMb).padStart(11)}
  full sync                             ${full.seconds.toFixed(2).padStart(7)}   ${String(rate(full)).padStart(9)}   ${String(full.pages).padStart(5)}   ${String(full.peakRssMb).padStart(11)}
  delta sync (1% changed: ${delta.changed})       ${delta.seconds.toFixed(2).padStart(7)}   ${String(rate(delta)).padStart(9)}   ${String(delta.pages).padStart(5)}   ${String(delta.peakRssMb).padStart(11)}
  full / floor ${ratio.toFixed(2)}× (target ≤ 1.5×) · delta / full ${(deltaShare * 100).toFixed(1)}% (target < 5%) · peak RSS target < 500 MB · stored ${full.stored}/${sim.devices}
  ${ok ? "PASS" : "FAIL"}
`);
process.exit(ok ? 0 : 1);
