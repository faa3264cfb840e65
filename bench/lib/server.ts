/** Starts the production build (scripts/serve.mjs, as `npm start` does) against a given database for a benchmark, and stops it. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "../..");

export function freshDatabase(url: string): void {
  if (url.startsWith("file:")) {
    const file = join(ROOT, url.slice(5));
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
  }
  migrateDatabase(url);
}

/** The migrations not applied yet (a database kept from an earlier run of a bench). */
export function migrateDatabase(url: string): void {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts/db-migrate.mjs")], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`migration failed for ${url}`);
}

export function ensureBuild(): void {
  if (existsSync(join(ROOT, ".next/BUILD_ID"))) return;
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error("next build failed");
}

export async function startServer(options: {
  databaseUrl: string;
  port: number;
  env?: Record<string, string>;
}): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  // BENCH_CPU_PROFILE_DIR=dir writes a V8 CPU profile of the server there when it stops.
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, join(ROOT, "scripts/serve.mjs"), "-p", String(options.port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: options.databaseUrl,
      LOG_LEVEL: "warn",
      JOINSCOPE_SYNC_INTERVAL_MINUTES: "0",
      ...options.env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${options.port}`;
  for (let i = 0; i < 240; i++) {
    try {
      const r = await fetch(`${url}/login`);
      if (r.status < 500) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** CPU seconds (user + system, every thread) a process has used so far, from /proc (Linux). */
export function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
