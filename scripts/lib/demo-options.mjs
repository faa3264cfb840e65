// `npm run demo`'s command line and environment, apart from scripts/demo.mjs so a test can read them.
import { parseArgs } from "node:util";

/** Hostnames that mean "every interface". */
const ALL_INTERFACES = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * The demo serves a fixed, published password, so it listens on 127.0.0.1 unless told otherwise:
 * `npm run demo -- --host 0.0.0.0` (or JOINSCOPE_DEMO_HOST) shows it to the network on purpose.
 * `--port` / PORT and JOINSCOPE_DEMO_SIMULATOR_PORT as before.
 */
export function demoOptions(argv, env) {
  const { values } = parseArgs({ args: argv, options: { host: { type: "string" }, port: { type: "string" } }, strict: true });
  const host = values.host ?? env.JOINSCOPE_DEMO_HOST ?? "127.0.0.1";
  const port = values.port ?? env.PORT ?? "3000";
  const everyInterface = ALL_INTERFACES.has(host);
  // Where this script itself reaches the server (the readiness probe, the uploads) and the browser address it prints.
  const local = everyInterface ? "127.0.0.1" : host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return {
    host,
    port,
    simPort: env.JOINSCOPE_DEMO_SIMULATOR_PORT ?? "3443",
    baseUrl: `http://${local}:${port}`,
    serveArgs: ["-p", port, "-H", host],
    listening: everyInterface
      ? `listening on every interface (${host}): anyone who can reach this machine can sign in with the demo password`
      : `listening on ${host} only; \`npm run demo -- --host 0.0.0.0\` exposes it to the network`,
  };
}
