#!/usr/bin/env node
// `npm run demo`: the dashboard on the embedded SQLite database with a simulated tenant.
//  1. applies migrations to DATABASE_URL (default file:./data/joinscope.db)
//  2. builds the production app when the build is missing or older than the sources
//  3. starts the Entra ID + Graph simulator (HTTPS on 127.0.0.1:3443) and registers its tenant
//  4. starts the dashboard (scripts/serve.mjs, the production server) trusting the simulator's CA, which syncs the directory
//  5. enrols the simulated agents (POST /api/v1/agents/enrol) and uploads their reports with their own device keys
//     through POST /api/v1/reports, like real agents
//
//   npm run demo [-- --host HOST] [--port PORT]
// The demo has a fixed, published password: it listens on 127.0.0.1 unless --host (or JOINSCOPE_DEMO_HOST) says
// otherwise (scripts/lib/demo-options.mjs). `npm start` keeps its own binding (scripts/serve.mjs).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { demoOptions } from "./lib/demo-options.mjs";

const root = join(import.meta.dirname, "..");
const options = demoOptions(process.argv.slice(2), process.env);
const { simPort, baseUrl } = options;
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: process.env.DATABASE_URL ?? "file:./data/joinscope.db" };
const tsx = ["--conditions=react-server", "--import", "tsx"];
const children = [];

function step(label, args, extraEnv = {}) {
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`demo: ${label} failed`);
    shutdown(1);
  }
  return r.stdout;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".")) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function shutdown(code = 0) {
  for (const child of children) child.kill("SIGTERM");
  process.exit(code);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

console.log("demo: applying migrations");
process.stdout.write(step("db:migrate", [join(root, "scripts/db-migrate.mjs")]));

const buildId = join(root, ".next/BUILD_ID");
const stale = !existsSync(buildId) || Math.max(newestMtime(join(root, "app")), newestMtime(join(root, "lib"))) > statSync(buildId).mtimeMs;
if (stale) {
  console.log("demo: building the dashboard (next build, about two minutes)");
  const r = spawnSync(process.execPath, [join(root, "node_modules/next/dist/bin/next"), "build"], { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) shutdown(1);
}

console.log(`demo: starting the Entra ID + Microsoft Graph simulator on https://127.0.0.1:${simPort}`);
const simulator = spawn(process.execPath, [...tsx, join(root, "scripts/demo/simulator.ts"), "--port", simPort, "--app-origin", baseUrl], {
  cwd: root,
  env,
  stdio: ["ignore", "pipe", "inherit"],
});
children.push(simulator);
const simInfo = await new Promise((resolve) => {
  const lines = createInterface({ input: simulator.stdout });
  lines.on("line", (line) => {
    if (line.startsWith("{") && line.includes('"ready"')) resolve(JSON.parse(line));
  });
  simulator.on("exit", () => {
    console.error("demo: the simulator stopped");
    shutdown(1);
  });
});

// The simulator is the demo tenant's "custom" cloud: its host:port is the one allowed besides the national clouds
// (lib/graph/clouds.ts), for the registration below and the dashboard's sync.
env.JOINSCOPE_ALLOWED_CLOUD_HOSTS = [process.env.JOINSCOPE_ALLOWED_CLOUD_HOSTS, simInfo.authorityHost].filter(Boolean).join(",");
// "Sign in with Microsoft" through the simulator, beside the local demo account (README: Sign in with Microsoft).
env.JOINSCOPE_ENTRA_CLIENT_ID = simInfo.signIn.clientId;
env.JOINSCOPE_ENTRA_CLIENT_SECRET = simInfo.signIn.clientSecret;
env.JOINSCOPE_ENTRA_TENANT_ID = simInfo.tenantId;
env.JOINSCOPE_ENTRA_AUTHORITY_HOST = simInfo.authorityHost;
env.JOINSCOPE_ENTRA_GROUP_ROLES = `${simInfo.signIn.operatorsGroupId}=Operator`;
const prepared = JSON.parse(
  step("prepare", [...tsx, join(root, "scripts/demo/prepare.ts")], { DEMO_SIMULATOR: JSON.stringify(simInfo) })
    .trim()
    .split("\n")
    .pop(),
);

console.log(`demo: starting the dashboard on ${baseUrl}, ${options.listening}`);
const server = spawn(process.execPath, [join(root, "scripts/serve.mjs"), ...options.serveArgs], {
  cwd: root,
  env: { ...env, NODE_ENV: "production", NODE_EXTRA_CA_CERTS: simInfo.caPath, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
  stdio: "inherit",
});
children.push(server);
server.on("exit", (code) => shutdown(code ?? 0));

for (let i = 0; ; i++) {
  try {
    const r = await fetch(`${baseUrl}/login`);
    if (r.ok) break;
  } catch {
    /* not listening yet */
  }
  if (i > 120) {
    console.error("demo: the dashboard did not start");
    shutdown(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}

const uploads = JSON.parse(readFileSync(join(root, "data/demo/uploads.json"), "utf8"));
let accepted = 0;
let failed = 0;
const enrolled = new Map();
const queue = [...uploads];
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (let body = queue.shift(); body; body = queue.shift()) {
      // As the agent does (decision 011): enrol once with the deployed token, then upload with the device's own key.
      // One enrolment per hostname, even when two of its reports are sent at once (a second would replace the key).
      if (!enrolled.has(body.hostname)) enrolled.set(body.hostname, enrol(body));
      const deviceKey = await enrolled.get(body.hostname);
      if (!deviceKey) {
        failed++;
        continue;
      }
      const r = await send("/api/v1/reports", deviceKey, body);
      if (r.status === 201 || r.status === 200) accepted++;
      else {
        failed++;
        if (failed <= 3) console.error(`demo: upload for ${body.hostname} answered ${r.status}: ${await r.text()}`);
      }
    }
  }),
);

/**
 * Enrols a simulated machine and returns its device key. Its machine key is derived from its hostname, so the next
 * `npm run demo` re-enrols the same device (a fresh key for it) instead of adding another.
 */
async function enrol(body) {
  const machineKey = createHash("sha256").update(`joinscope-demo:${body.hostname}`).digest("base64url");
  const deviceId = /^\s*DeviceId\s*:\s*([0-9a-fA-F-]{36})\s*$/m.exec(body.dsregcmd)?.[1] ?? null;
  const r = await send("/api/v1/agents/enrol", prepared.token, { hostname: body.hostname, deviceId, agentVersion: body.agentVersion, machineKey });
  if (r.status === 201 || r.status === 200) return (await r.json()).deviceKey;
  if (failed < 3) console.error(`demo: enrolment of ${body.hostname} answered ${r.status}: ${await r.text()}`);
  return null;
}

/** POSTs JSON as the agent does: a 429 (a limit) or a 503 (the database is busy) is retried after its Retry-After. */
async function send(path, credential, body) {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${credential}` },
      body: JSON.stringify(body),
    });
    if ((r.status !== 429 && r.status !== 503) || attempt >= 20) return r;
    await r.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, Number(r.headers.get("retry-after")) || 1) * 1000));
  }
}

console.log(`
  JoinScope demo is running: ${baseUrl} (${options.listening})
  Sign in as ${prepared.admin.email} / ${prepared.admin.password} (an Admin), or with "Sign in with Microsoft" as a simulated
  user of each role (Reader, Operator, Admin, none); the simulator's page uses its own CA, so the browser warns once.
  Tenant "${simInfo.tenantName} (demo)": ${simInfo.devices} simulated directory devices (synced in the background), ${(await Promise.all(enrolled.values())).filter(Boolean).length} agents enrolled, ${accepted} agent reports uploaded${failed ? `, ${failed} rejected` : ""}.
  Press Ctrl+C to stop.
`);
