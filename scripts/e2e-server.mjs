#!/usr/bin/env node
// The Playwright webServer: the Entra ID + Graph simulator (e2e/simulator.ts, HTTPS on 127.0.0.1:3444), a fresh
// SQLite database (migrated and seeded through the lib functions, including the simulator's tenants), then the
// PRODUCTION server (scripts/serve.mjs: Next.js plus the upload fast path) on port 3100, trusting the simulator's CA. Builds first only when
// .next/BUILD_ID is missing.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.E2E_PORT ?? "3100";
const simPort = process.env.E2E_SIMULATOR_PORT ?? "3444";
const tsx = ["--conditions=react-server", "--import", "tsx"];
const env = {
  ...process.env,
  DATABASE_URL: "file:./data/e2e.db",
  NEXT_TELEMETRY_DISABLED: "1",
  JOINSCOPE_SYNC_INTERVAL_MINUTES: "0",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
};
const next = join(root, "node_modules/next/dist/bin/next");
const children = [];

function stopAll(code) {
  for (const child of children) child.kill("SIGTERM");
  process.exit(code);
}

function step(label, args, extraEnv = {}) {
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`e2e-server: ${label} failed`);
    stopAll(r.status ?? 1);
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stopAll(0));

const simulator = spawn(process.execPath, [...tsx, join(root, "e2e/simulator.ts"), "--port", simPort, "--app-origin", `http://127.0.0.1:${port}`], {
  cwd: root,
  env,
  stdio: ["ignore", "pipe", "inherit"],
});
children.push(simulator);
simulator.on("exit", (code) => {
  console.error(`e2e-server: the simulator stopped (${code})`);
  stopAll(1);
});
const simInfo = await new Promise((resolve) => {
  createInterface({ input: simulator.stdout }).on("line", (line) => {
    if (line.startsWith("{") && line.includes('"ready"')) resolve(JSON.parse(line));
  });
});
mkdirSync(join(root, "data"), { recursive: true });
writeFileSync(join(root, "data/e2e-simulator.json"), JSON.stringify(simInfo, null, 2));
// The seed and the server may use the simulator as a "custom" cloud: its host:port is the one allowed besides the
// national clouds (lib/graph/clouds.ts); e2e/settings.spec.ts checks that another host is refused.
env.JOINSCOPE_ALLOWED_CLOUD_HOSTS = simInfo.authorityHost;
// Sign in with Microsoft through the simulator (e2e/entra-sign-in.spec.ts); local accounts stay on beside it.
env.JOINSCOPE_ENTRA_CLIENT_ID = simInfo.signIn.clientId;
env.JOINSCOPE_ENTRA_CLIENT_SECRET = simInfo.signIn.clientSecret;
env.JOINSCOPE_ENTRA_TENANT_ID = simInfo.signIn.tenantId;
env.JOINSCOPE_ENTRA_AUTHORITY_HOST = simInfo.authorityHost;
env.JOINSCOPE_ENTRA_GROUP_ROLES = `${simInfo.signIn.operatorsGroupId}=Operator`;

for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(join(root, `data/e2e.db${suffix}`), { force: true });
step("db:migrate", [join(root, "scripts/db-migrate.mjs")]);
// The seed syncs one simulator tenant and pulls its sign-ins (e2e/signins.spec.ts), so it trusts the simulator's CA.
step("seed", [...tsx, join(root, "e2e/seed.ts")], { E2E_SIMULATOR: JSON.stringify(simInfo), NODE_EXTRA_CA_CERTS: simInfo.caPath });
if (!existsSync(join(root, ".next/BUILD_ID"))) step("next build", [next, "build"]);

const server = spawn(process.execPath, [join(root, "scripts/serve.mjs"), "-p", port, "-H", "127.0.0.1"], {
  cwd: root,
  env: { ...env, NODE_ENV: "production", NODE_EXTRA_CA_CERTS: simInfo.caPath },
  stdio: "inherit",
});
children.push(server);
server.on("exit", (code, signal) => stopAll(code ?? (signal ? 0 : 1)));
