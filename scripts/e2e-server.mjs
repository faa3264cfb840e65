#!/usr/bin/env node
// The Playwright webServer: a fresh SQLite database (migrated and seeded through the lib functions), then the
// PRODUCTION server (`next start`) on port 3100. Builds first only when .next/BUILD_ID is missing.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.E2E_PORT ?? "3100";
const env = {
  ...process.env,
  DATABASE_URL: "file:./data/e2e.db",
  NEXT_TELEMETRY_DISABLED: "1",
  JOINSCOPE_SYNC_INTERVAL_MINUTES: "0",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
};
const next = join(root, "node_modules/next/dist/bin/next");

function step(label, args) {
  const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`e2e-server: ${label} failed`);
    process.exit(r.status ?? 1);
  }
}

for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(join(root, `data/e2e.db${suffix}`), { force: true });
step("db:migrate", [join(root, "scripts/db-migrate.mjs")]);
step("seed", ["--conditions=react-server", "--import", "tsx", join(root, "e2e/seed.ts")]);
if (!existsSync(join(root, ".next/BUILD_ID"))) step("next build", [next, "build"]);

const server = spawn(process.execPath, [next, "start", "-p", port, "-H", "127.0.0.1"], { cwd: root, env: { ...env, NODE_ENV: "production" }, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
