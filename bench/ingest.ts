/**
 * Report ingestion through the HTTP API of a production build, on SQLite or PostgreSQL.
 *
 *   npm run bench:ingest [-- --reports 20000 --clients 8 --db sqlite|postgresql|both --port 3211 --workload renames|fleet]
 *
 * With --db postgresql each of its two databases (API, floor) is one of its own on TEST_POSTGRES_URL's server,
 * dropped afterwards.
 *
 * Uploads N distinct reports (every fixture build and the simulator's states, each with events) with C
 * concurrent clients, and prints reports/s and p95 latency next to the floor measured in the same run:
 * the same rows inserted through Prisma with no parsing and no HTTP. Targets: ≥ 1,000 reports/s and
 * within 3× of the floor. Exits 1 when a target is missed.
 *
 * --workload: every upload is a new stored report of one of ~410 registration ids either way (the floor inserts the
 * same rows). `renames` (the default, as in every round so far): each upload under a host name of its own, so 88% of
 * uploads rename the device they report. `fleet`: each registration id keeps one host name, as real agents' uploads do
 * (an enrolled device's key is bound to its host name, decision 011), and each upload carries one new event, the change
 * that makes it a new stored report rather than a count of its device's latest (decision 013).
 */
import http from "node:http";
import { parseArgs } from "node:util";
import { createDb } from "@/lib/db/client";
import { hashReportContent } from "@/lib/ingest/content-hash";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import { createBenchDatabase, databaseLabel, dropBenchDatabase, parseDbOption, runPerDatabase } from "./lib/bench-database";
import { ingestUploads, INGEST_TENANT_ID, parseIngestWorkload } from "./lib/ingest-workload";
import { seedIngestTenant } from "./lib/ingest-tenant";
import { ensureBuild, percentile, processCpuSeconds, startServer } from "./lib/server";

const { values } = parseArgs({
  options: {
    reports: { type: "string", default: "20000" },
    clients: { type: "string", default: "8" },
    db: { type: "string", default: "sqlite" },
    port: { type: "string", default: "3211" },
    workload: { type: "string", default: "renames" },
  },
});
const kind = runPerDatabase(parseDbOption(values.db), import.meta.filename);
const N = Number(values.reports);
const CLIENTS = Number(values.clients);
const WORKLOAD = parseIngestWorkload(values.workload);
const TENANT_ID = INGEST_TENANT_ID;

// --- the workload: varied builds and states, each upload distinct (bench/lib/ingest-workload.ts) -------------
const uploads = ingestUploads(N, WORKLOAD);
const megabytes = uploads.reduce((s, u) => s + u.length, 0) / 1e6;

async function seed(url: string) {
  const db = createDb(url);
  return { db, ...(await seedIngestTenant(db, CLIENTS)) };
}

// --- the measured path: HTTP → zod → parse → rules → one transaction ----------------------------------------
ensureBuild();
const apiUrl = await createBenchDatabase(kind, "ingest_api");
const api = await seed(apiUrl);
await api.db.$disconnect();
// Each of the 8 clients stands in for thousands of agents (one key each in a real fleet), so the per-key limits, the
// count and the byte rate (bench:agents measures those), are lifted: with the byte rate's default 32 MiB a minute a
// client was refused most of its uploads (HTTP 429) and the bench measured the limiter, not ingestion.
const server = await startServer({
  databaseUrl: apiUrl,
  port: Number(values.port),
  env: { JOINSCOPE_INGEST_RATE_LIMIT: "1000000", JOINSCOPE_INGEST_BYTES_PER_MINUTE: String(64 * 1024 * 1024 * 1024) },
});

// The clients are node:http with keep-alive (one connection each), lighter than fetch: they share the machine's
// two cores with the server, and the benchmark is about the server.
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
function upload(body: string, token: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const bytes = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}/api/v1/reports`,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": bytes.byteLength, authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(bytes);
  });
}
// Warm-up: JIT and connection pools, on a separate set of bodies.
for (let i = 0; i < 50; i++) await upload(uploads[i]!.replace("BENCH-", "WARM-"), api.tokens[0]!);

const latencies: number[] = [];
const statuses = new Map<number, number>();
let next = 0;
const serverCpuStart = processCpuSeconds(server.child.pid!);
const clientCpuStart = process.cpuUsage();
const apiStart = performance.now();
await Promise.all(
  api.tokens.map(async (token) => {
    for (let i = next++; i < N; i = next++) {
      const r = await upload(uploads[i]!, token);
      latencies.push(r.ms);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  }),
);
const apiSeconds = (performance.now() - apiStart) / 1000;
// The server's own CPU per upload (all its threads, the background findings evaluation included): unlike
// reports/s, it does not depend on what else the machine is running.
const serverCpuMsPerReport = ((processCpuSeconds(server.child.pid!) - serverCpuStart) * 1000) / N;
const clientCpu = process.cpuUsage(clientCpuStart);
const clientCpuMsPerReport = (clientCpu.user + clientCpu.system) / 1000 / N;
await server.stop();

// --- the floor: the same rows, inserted through Prisma, no parsing, no HTTP ----------------------------------
const floorUrl = await createBenchDatabase(kind, "ingest_floor");
const floor = await seed(floorUrl);
const tokenRow = await floor.db.agentToken.findFirstOrThrow({ select: { id: true } });
const rows = uploads.map((body) => {
  const u = JSON.parse(body);
  const parsed = parseDsregcmd(u.dsregcmd);
  if (!parsed.ok) throw new Error("fixture did not parse");
  const findings = evaluateReportRules({
    report: parsed.report,
    events: u.events,
    expectedTenantId: TENANT_ID,
    capturedAt: u.capturedAt,
    now: new Date().toISOString(),
  });
  // Everything the API stores, computed before the clock starts: the floor measures only the inserts.
  return { u, parsed: parsed.report, parsedText: JSON.stringify(parsed.report), findingsText: JSON.stringify(findings), hash: hashReportContent(u) };
});
let fi = 0;
const floorStart = performance.now();
await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    for (let i = fi++; i < N; i = fi++) {
      const { u, parsed, parsedText, findingsText, hash } = rows[i]!;
      await floor.db.$transaction(async (tx) => {
        const r = await tx.deviceReport.create({
          data: {
            tenantRef: floor.tenantRef,
            agentTokenRef: tokenRow.id,
            source: "agent",
            hostname: u.hostname,
            deviceId: parsed.deviceId,
            capturedAt: new Date(u.capturedAt),
            agentVersion: u.agentVersion,
            joinType: parsed.joinType,
            contentHash: hash,
            parsed: parsedText,
            dsregcmdText: u.dsregcmd,
            computerDn: u.computerDn ?? null,
            azureAdPrt: parsed.azureAdPrt,
            deviceAuthStatus: parsed.deviceAuthStatus,
            thumbprint: parsed.thumbprint,
            reportedTenantId: parsed.tenantId,
            findingsSnapshot: findingsText,
          },
          select: { id: true },
        });
        if (u.events?.length) {
          await tx.agentEvent.createMany({
            data: u.events.map((e: { id: number; time: string; level: string; task?: string; message: string }) => ({
              tenantRef: floor.tenantRef,
              reportRef: r.id,
              eventId: e.id,
              time: new Date(e.time),
              level: e.level,
              task: e.task ?? null,
              message: e.message,
            })),
          });
        }
      });
    }
  }),
);
const floorSeconds = (performance.now() - floorStart) / 1000;

// --- verify and report -------------------------------------------------------------------------------------
const verify = createDb(apiUrl);
const stored = await verify.deviceReport.count({ where: { hostname: { startsWith: "BENCH-" } } });
await verify.$disconnect();
await floor.db.$disconnect();
const label = await databaseLabel(kind);
await dropBenchDatabase(apiUrl);
await dropBenchDatabase(floorUrl);

const apiRate = N / apiSeconds;
const floorRate = N / floorSeconds;
const ratio = floorRate / apiRate;
const p95 = percentile(latencies, 95);
const ok = apiRate >= 1000 && ratio <= 3 && stored === N && (statuses.get(201) ?? 0) === N;
console.log(`
bench:ingest  ${N} reports (${megabytes.toFixed(1)} MB of JSON), ${CLIENTS} clients, ${label}, production build, workload ${WORKLOAD}
  path                         reports/s   p50 ms   p95 ms
  HTTP API (measured)          ${apiRate.toFixed(0).padStart(9)}   ${percentile(latencies, 50).toFixed(1).padStart(6)}   ${p95.toFixed(1).padStart(6)}   CPU per report: server ${serverCpuMsPerReport.toFixed(2)} ms, clients ${clientCpuMsPerReport.toFixed(2)} ms
  floor: Prisma inserts only   ${floorRate.toFixed(0).padStart(9)}
  floor / API                  ${ratio.toFixed(2)}×   (target ≤ 3×)     API target ≥ 1000 reports/s
  statuses: ${[...statuses].map(([s, c]) => `${s}×${c}`).join(", ")}; stored ${stored}/${N}
  ${ok ? "PASS" : "FAIL"}
`);
process.exit(ok ? 0 : 1);
