/**
 * One measured sync step in a fresh process (started with NODE_EXTRA_CA_CERTS for the simulator's CA).
 * argv: floor | full | delta. Prints one JSON line: { seconds, devices, pages, peakRssMb }.
 */
import { createDb } from "@/lib/db/client";
import { createGraphClient } from "@/lib/graph/graph-client";
import { DEVICE_SELECT, DevicePageSchema } from "@/lib/graph/graph-schemas";
import { runSync } from "@/lib/sync/run-sync";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { peakRssMb } from "./server";

const mode = process.argv[2] as "floor" | "full" | "delta";
const sim = JSON.parse(process.env.BENCH_SIMULATOR ?? "{}");
const app = {
  tenantId: sim.tenantId,
  clientId: sim.clientId,
  credential: { kind: "secret" as const, clientSecret: sim.clientSecret },
  cloud: { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl },
};

if (mode === "floor") {
  // The least any sync must do: fetch and validate the same pages, with the same client and page prefetch.
  const graph = createGraphClient(app);
  await graph.get("/devices?$select=id&$top=1", DevicePageSchema); // token + connection, as runSync's delta-link call does
  const started = performance.now();
  let devices = 0;
  let pages = 0;
  let pending = graph.get(`/devices?$select=${DEVICE_SELECT}&$top=999`, DevicePageSchema);
  for (;;) {
    const page = await pending;
    if (!page.ok) throw new Error(page.error.message);
    const next = page.data["@odata.nextLink"];
    if (next) pending = graph.get(next, DevicePageSchema);
    devices += page.data.value.length;
    pages++;
    if (!next) break;
  }
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, devices, pages, peakRssMb: peakRssMb() }));
  process.exit(0);
}

const db = createDb(process.env.DATABASE_URL!);
let tenantRef = (await db.tenant.findUnique({ where: { tenantId: sim.tenantId }, select: { id: true } }))?.id;
if (!tenantRef) {
  const t = await createTenant(db, { tenantId: sim.tenantId, name: "Bench", actor: "bench" });
  if (!t.ok) throw new Error(t.error.message);
  tenantRef = t.id;
  await setTenantApp(db, { tenantRef, cloud: "custom", authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl, clientId: sim.clientId, credential: { kind: "secret", clientSecret: sim.clientSecret }, actor: "bench" });
}
const started = performance.now();
// Findings and key presence are measured elsewhere (bench:rules); this is the directory sync itself.
const outcome = await runSync(db, { tenantRef, mode, trigger: "cli", evaluateFindings: false, checkKeyPresence: false, onProgress: process.env.BENCH_VERBOSE ? (p) => console.error(`page ${p.pages} at ${Math.round(performance.now() - started)} ms`) : undefined });
if (!outcome.ok) throw new Error(outcome.error.message);
const seconds = (performance.now() - started) / 1000;
const stored = await db.directoryDevice.count({ where: { tenantRef, deletedAt: null } });
console.log(JSON.stringify({ seconds, devices: outcome.run.devicesSeen, pages: outcome.run.pages, changed: outcome.run.changed, stored, peakRssMb: peakRssMb() }));
await db.$disconnect();
process.exit(0);
