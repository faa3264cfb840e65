#!/usr/bin/env node
// The production server (`npm start`): the Next.js app behind a plain Node HTTP server that answers the agents'
// upload endpoint itself, before Next.js routing (lib/ingest/node-fast-path.ts, docs/decisions/005-upload-fast-path.md).
// Every other request goes to Next.js unchanged. The demo, the e2e suite and the benchmarks run this server.
//
//   node scripts/serve.mjs [-p PORT] [-H HOSTNAME]      (PORT / HOSTNAME from the environment otherwise)
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { applyForwardedHeaderPolicy } from "./lib/forwarded-headers.mjs";
import { letRoutesEncode } from "./lib/route-encoding.mjs";

process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    port: { type: "string", short: "p", default: process.env.PORT ?? "3000" },
    hostname: { type: "string", short: "H", default: process.env.HOSTNAME ?? "0.0.0.0" },
  },
});
const port = Number(values.port);
const hostname = values.hostname;
// The same validated configuration the app reads (lib/config.ts, through tsx like the CLI), read in a child process:
// tsx's loader in this one would also take over Next.js's own loading of next.config.ts and break it. A bad
// setting stops the server here, before it listens.
const configUrl = pathToFileURL(join(root, "lib/config.ts")).href;
const read = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--input-type=module",
    "-e",
    `const { config } = await import(${JSON.stringify(configUrl)}); process.stdout.write(JSON.stringify({ trustProxy: config.JOINSCOPE_TRUST_PROXY }));`,
  ],
  { cwd: root, env: process.env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
if (read.status !== 0) process.exit(1);
const config = JSON.parse(read.stdout);

const { default: next } = await import("next");
const app = next({ dev: false, dir: root, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
// instrumentation.ts's register() hands over the fast path, compiled with the app. Next.js runs register() when it
// initialises its server, on the first request: until then (and if it never does) requests go to Next.js, whose
// route handler for the same path calls the same code.
const FAST_PATH = Symbol.for("joinscope.fastPath");
// Per-client limits (login, failed authentication) key on the connection's address: record it in a header the app
// reads (lib/http/client-address.ts), replacing any copy the client sent.
const CLIENT_ADDRESS_HEADER = "x-joinscope-client-address";
// Forwarded headers are a proxy's statement about the client; without a proxy the operator declared they are the
// client's own, and go before anything reads them. Next.js's server-action CSRF check compares Origin with
// X-Forwarded-Host: a forged one equal to a foreign Origin passed it (scripts/lib/forwarded-headers.mjs).
const trustProxy = config.trustProxy === true;
const server = createServer((req, res) => {
  applyForwardedHeaderPolicy(req.headers, trustProxy);
  req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
  const fastPath = globalThis[FAST_PATH];
  if (typeof fastPath === "function" && fastPath(req, res)) return;
  // The exports gzip their own CSV and JSON Lines (decision 036); Next.js would drop their content-encoding.
  letRoutesEncode(req, res);
  handle(req, res);
});
// Behind a load balancer, keep idle connections open longer than its own idle timeout (60 s on most).
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () => {
  console.log(`JoinScope ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`);
});

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
