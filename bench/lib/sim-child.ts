/**
 * The simulator in its own process for benchmarks, so the measured process's RSS is its own.
 * stdout: one JSON "ready" line. stdin commands: `mutate N` (changes N devices; answers `mutated N`), `quit`.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator } from "@/simulator/server";

const { values } = parseArgs({
  options: { devices: { type: "string", default: "100000" }, latency: { type: "string", default: "20" }, seed: { type: "string", default: "77" } },
});
const { tenant } = createSimTenant({ seed: Number(values.seed), deviceCount: Number(values.devices), includeReports: false, signIns: false, now: new Date() });
const sim = await startSimulator({ tenants: [tenant], latencyMs: Number(values.latency) });
console.log(
  JSON.stringify({
    ready: true,
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    caPath: sim.caPath,
    devices: tenant.devices.length,
  }),
);

const store = sim.state.tenant(tenant.tenantId);
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === "mutate") {
    const devices = store.listDevices();
    const n = Number(arg);
    const step = Math.max(1, Math.floor(devices.length / n));
    let changed = 0;
    for (let i = 0; i < devices.length && changed < n; i += step, changed++) {
      const d = devices[i]!;
      store.updateDevice(d.id, { displayName: `${d.displayName}-R`, approximateLastSignInDateTime: new Date().toISOString() });
    }
    console.log(`mutated ${changed}`);
  } else if (cmd === "quit") {
    await sim.close();
    process.exit(0);
  }
}
