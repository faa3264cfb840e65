/**
 * The simulator for bench:signins in its own process: a generated tenant (`--devices`) and `--events` blocked sign-ins
 * over `--days` before `--now` (simulator/sign-ins/generate-sign-ins.ts, consistent with the devices' scenarios),
 * `/auditLogs/signIns` without its request budget (the bench measures our code, not Graph's five requests per 10 s)
 * and `--latency` ms per request. stdout: one JSON "ready" line; stdin: `quit`.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator } from "@/simulator/server";

const { values } = parseArgs({
  options: {
    devices: { type: "string" },
    events: { type: "string" },
    days: { type: "string", default: "7" },
    latency: { type: "string", default: "20" },
    seed: { type: "string", default: "1977" },
    now: { type: "string" },
  },
});
const started = performance.now();
const { tenant } = createSimTenant({
  seed: Number(values.seed),
  deviceCount: Number(values.devices),
  includeReports: false,
  now: new Date(values.now!),
  signIns: { count: Number(values.events), days: Number(values.days), blockedOnly: true },
});
const generateSeconds = (performance.now() - started) / 1000;
const sim = await startSimulator({ tenants: [tenant], latencyMs: Number(values.latency), reportsThrottle: null });
console.log(
  JSON.stringify({
    ready: true,
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    devices: tenant.devices.length,
    signIns: tenant.signIns?.length ?? 0,
    generateSeconds,
  }),
);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === "quit") {
    await sim.close();
    process.exit(0);
  }
}
