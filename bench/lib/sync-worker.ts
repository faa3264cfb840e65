/**
 * One measured sync step in a fresh process (started with NODE_EXTRA_CA_CERTS for the simulator's CA).
 * argv: floor [with-keys] | full [no-key-presence] | findings | delta [warm]. Prints one JSON line: { seconds, phaseMs, cpuSeconds, devices, pages, peakRssMb, … }.
 */
import { createDb } from "@/lib/db/client";
import { reevaluateAllFindings } from "@/lib/findings/findings-scheduler";
import { createGraphClient } from "@/lib/graph/graph-client";
import { DevicePageSchema } from "@/lib/graph/graph-schemas";
import { devicesFirstPageRequest } from "@/lib/graph/sync-requests";
import { collectKeyPresence } from "@/lib/sync/record-key-presence";
import { runSync } from "@/lib/sync/run-sync";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { peakRssMb } from "./server";

const mode = process.argv[2] as "floor" | "full" | "findings" | "delta";
const sim = JSON.parse(process.env.BENCH_SIMULATOR ?? "{}");
const app = {
  tenantId: sim.tenantId,
  clientId: sim.clientId,
  credential: { kind: "secret" as const, clientSecret: sim.clientSecret },
  cloud: { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl },
};

if (mode === "floor") {
  // The least any sync must do: fetch and validate the same pages, with the same client (and its request budget)
  // and page prefetch. argv[3] "with-keys": also the BitLocker / LAPS pages a full sync pages through alongside
  // /devices, with the sync's own collector (lib/sync/record-key-presence.ts, which writes nothing).
  const withKeys = process.argv[3] === "with-keys";
  // Timed from the start, as the sync is: a token and a connection, then one small request first, as the sync's
  // $deltatoken=latest request (the sync's own start also reads and writes its run in the database).
  const started = performance.now();
  const cpu = process.cpuUsage();
  const graph = createGraphClient(app);
  await graph.get("/devices?$select=id&$top=1", DevicePageSchema);
  const warmupSeconds = (performance.now() - started) / 1000;
  let devices = 0;
  let pages = 0;
  const keys = withKeys ? collectKeyPresence(graph) : null;
  let pending = graph.get(devicesFirstPageRequest(999), DevicePageSchema);
  for (;;) {
    const page = await pending;
    if (!page.ok) throw new Error(page.error.message);
    const next = page.data["@odata.nextLink"];
    if (next) pending = graph.get(next, DevicePageSchema);
    devices += page.data.value.length;
    pages++;
    if (!next) break;
  }
  const presence = await keys;
  if (presence?.warnings.length) throw new Error(presence.warnings.join(" "));
  console.log(
    JSON.stringify({ seconds: (performance.now() - started) / 1000, warmupSeconds, cpuSeconds: cpuSeconds(cpu), devices, pages, peakRssMb: peakRssMb() }),
  );
  process.exit(0);
}

const db = createDb(process.env.DATABASE_URL!);
let tenantRef = (await db.tenant.findUnique({ where: { tenantId: sim.tenantId }, select: { id: true } }))?.id;
if (!tenantRef) {
  const t = await createTenant(db, { tenantId: sim.tenantId, name: "Bench", actor: "bench" });
  if (!t.ok) throw new Error(t.error.message);
  tenantRef = t.id;
  await setTenantApp(db, {
    tenantRef,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: sim.clientId,
    credential: { kind: "secret", clientSecret: sim.clientSecret },
    actor: "bench",
  });
}
if (mode === "delta" && process.argv[3] === "warm") {
  // As the scheduler runs a delta sync: in a process that has synced before (MSAL's token cached, the connection
  // to Graph open, Prisma's queries compiled). A first delta (nothing changed yet) warms it; then this process
  // says "warm" and waits for "go" on stdin while the orchestrator changes 1% of the devices.
  const warmup = await runSync(db, { tenantRef, mode: "delta", trigger: "cli", evaluateFindings: false });
  if (!warmup.ok) throw new Error(warmup.error.message);
  console.log(JSON.stringify({ warm: true, changed: warmup.run.changed }));
  const { createInterface } = await import("node:readline");
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();
}
const started = performance.now();
const cpu = process.cpuUsage();
if (mode === "findings") {
  // What runSync does after a full sync (evaluateAfterSync), in a process of its own so that its time and
  // memory are reported apart from the directory sync's.
  const result = await reevaluateAllFindings(db, tenantRef, new Date());
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ seconds, cpuSeconds: cpuSeconds(cpu), devices: result.subjects, pages: 0, opened: result.opened, peakRssMb: peakRssMb() }));
  await db.$disconnect();
  process.exit(0);
}
// The sync as the product runs it (key presence after a full sync). The findings pass that follows a full sync
// is the "findings" step; a delta sync's (only the changed devices) runs here, unless BENCH_SKIP_FINDINGS.
const outcome = await runSync(db, {
  tenantRef,
  mode,
  trigger: "cli",
  evaluateFindings: mode === "delta" && !process.env.BENCH_SKIP_FINDINGS,
  checkKeyPresence: process.argv[3] !== "no-key-presence",
  onProgress: process.env.BENCH_VERBOSE ? (p) => console.error(`page ${p.pages} at ${Math.round(performance.now() - started)} ms`) : undefined,
});
if (!outcome.ok) throw new Error(outcome.error.message);
const seconds = (performance.now() - started) / 1000;
const stored = await db.directoryDevice.count({ where: { tenantRef, deletedAt: null } });
console.log(
  JSON.stringify({
    seconds,
    phaseMs: outcome.run.phaseMs,
    cpuSeconds: cpuSeconds(cpu),
    devices: outcome.run.devicesSeen,
    pages: outcome.run.pages,
    changed: outcome.run.changed,
    stored,
    peakRssMb: peakRssMb(),
  }),
);
await db.$disconnect();
process.exit(0);

/** CPU time of this process (all its threads) since `from`: on a shared machine, steadier than wall time. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}
