#!/usr/bin/env node
// The production server (`npm start`): the Next.js app behind a plain Node HTTP server that answers the agents'
// upload endpoint itself, before Next.js routing (lib/http/node-fast-path.ts, docs/decisions/005-ingest-fast-path.md).
// Every other request goes to Next.js unchanged. The demo, the e2e suite and the benchmarks run this server.
//
//   node scripts/serve.mjs [-p PORT] [-H HOSTNAME]      (PORT / HOSTNAME from the environment otherwise)
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

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
const server = createServer((req, res) => {
  req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
  const fastPath = globalThis[FAST_PATH];
  if (typeof fastPath === "function" && fastPath(req, res)) return;
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
