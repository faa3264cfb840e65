/**
 * Report history storage (issue 18, decision 013): how many bytes a device's 90 days of 4-hourly uploads cost.
 *
 *   npm run bench:storage [-- --devices 2000 --days 90 --db sqlite|postgresql|both --sample 20 --concurrency 4 --vacuum on|off --reindex on|off]
 *
 * Sends devices × days × 6 uploads through ingestReport, the function the API's upload calls, in time order (every
 * device once per 4-hour round): every upload renews the PRT (new update and expiry times in its text); each day about
 * 1% of the devices change state (a renewed device certificate, or an agent upgrade) and about 0.5% fail (no PRT,
 * device auth FAILED) for one to three uploads, then recover. Prints the database's bytes per device and the
 * projection for 100,000 devices (target: at most 50 KB a device for 90 days), next to
 * - the floor measured in the same run: each device's latest report alone (its compressed texts and findings), the
 *   least a store that keeps the latest report in full can hold;
 * - the same uploads of `--sample` devices in a tenant that keeps every upload (as every upload was stored before),
 *   per device.
 * Database bytes: SQLite's pages in use after a checkpoint, PostgreSQL's database size less the empty database's,
 * printed every 10 days as well (a run stopped early still says what it measured).
 * `--concurrency`: uploads of that many devices in flight at once (agents upload concurrently; each device's own
 * uploads stay in order). `--vacuum on` (default): after every 4-hour round the scheduler tick's maintenance
 * (vacuumBloatedTables, decision 025) runs, as it would many times in the real hours a round stands for; `off` shows
 * what PostgreSQL keeps without it (our test server runs with autovacuum off); `--reindex off` leaves out the rebuild
 * of sparse indexes (reindexBloatedIndexes) from that maintenance.
 * Then the retention run (decision 013) over the loaded database, with retention set to 30 days (`--retention-days`) and 1 text so that it
 * has work, while uploads go on: its time (target: within 60 s) and the uploads' p95 while it runs next to their p95
 * just before it, measured the same way. Exits 1 when the size target is missed.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { join } from "node:path";
import { createBenchDatabase, databaseLabel, dropBenchDatabase, parseDbOption, runPerDatabase } from "./lib/bench-database";
import { percentile, ROOT } from "./lib/server";

const { values } = parseArgs({
  options: {
    devices: { type: "string", default: "2000" },
    days: { type: "string", default: "90" },
    sample: { type: "string", default: "20" },
    db: { type: "string", default: "sqlite" },
    concurrency: { type: "string", default: "4" },
    vacuum: { type: "string", default: "on" },
    reindex: { type: "string", default: "on" },
    "retention-days": { type: "string", default: "30" },
  },
});
const kind = runPerDatabase(parseDbOption(values.db), import.meta.filename);
const DEVICES = Number(values.devices);
const DAYS = Number(values.days);
const SAMPLE = Math.min(DEVICES, Number(values.sample));
const ROUNDS = DAYS * 6;
const CONCURRENCY = Math.max(1, Number(values.concurrency));
const VACUUM = values.vacuum !== "off";
const REINDEX = VACUUM && values.reindex !== "off";
const TENANT_ID = "aaaabbbb-0000-cccc-1111-dddd2222eeee";
const TARGET_KB = 50;

const url = await createBenchDatabase(kind, "storage");
process.env.DATABASE_URL = url;
process.env.LOG_LEVEL = "warn";
// The modules read DATABASE_URL when first imported.
const { createDb, db: globalDb } = await import("@/lib/db/client");
const { directDb } = await import("@/lib/db/direct");
const { ingestReport } = await import("@/lib/ingest/ingest-report");
const { createTenant } = await import("@/lib/tenants/create-tenant");
const { createAgentToken } = await import("@/lib/agent-tokens/create-agent-token");
const { flushFindingsQueue } = await import("@/lib/findings/findings-scheduler");
const { generateTenant } = await import("@/simulator/generate-tenant");
const { reindexBloatedIndexes, vacuumBloatedTables } = await import("@/lib/report-history/vacuum-bloated-tables");
const { applyReportRetention } = await import("@/lib/report-history/report-retention");
const { findDatabaseSize } = await import("@/lib/queries/find-database-size");

const db = createDb(url);
const direct = directDb();

async function databaseBytes(): Promise<number> {
  if (kind === "sqlite") {
    const file = join(ROOT, url.slice(5));
    const conn = new Database(file);
    conn.pragma("wal_checkpoint(TRUNCATE)");
    const pages = Number(conn.pragma("page_count", { simple: true })) - Number(conn.pragma("freelist_count", { simple: true }));
    const size = pages * Number(conn.pragma("page_size", { simple: true }));
    conn.close();
    return size;
  }
  const [row] = await direct.query<{ size: unknown }>(`SELECT pg_database_size(current_database()) AS "size"`);
  return Number(row!.size);
}

// --- the fleet: the simulator's hybrid-joined machines with their events -------------------------------------------
const generated = generateTenant({ seed: 18, deviceCount: Math.max(50, Math.min(DEVICES, 400)), tenantId: TENANT_ID, tenantName: "Contoso" });
const templates = generated.reports.filter((r) => /AzureAdPrt : YES/.test(r.dsregcmd) && /DeviceAuthStatus : SUCCESS/.test(r.dsregcmd));
if (templates.length === 0) throw new Error("no healthy template in the simulated tenant");

let seed = 18;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const hex = (n: number) => Array.from({ length: n }, () => "0123456789ABCDEF"[Math.floor(random() * 16)]).join("");
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}.000 UTC`;

interface Machine {
  hostname: string;
  deviceId: string;
  text: string;
  events: unknown[];
  agentVersion: string;
  failingFor: number;
}
const machines: Machine[] = Array.from({ length: DEVICES }, (_, i) => {
  const t = templates[i % templates.length]!;
  const deviceId = `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`.toLowerCase();
  return {
    hostname: `PC-${String(i).padStart(6, "0")}`,
    deviceId,
    text: t.dsregcmd.replace(/(DeviceId : )[0-9a-f-]{36}/, `$1${deviceId}`),
    events: t.events,
    agentVersion: "2.0.0",
    failingFor: 0,
  };
});

function uploadOf(m: Machine, captured: number) {
  let text = m.text
    .replace(/(AzureAdPrtUpdateTime : ).*/, `$1${utc(captured - Math.floor(random() * 3_600_000))}`)
    .replace(/(AzureAdPrtExpiryTime : ).*/, `$1${utc(captured + 14 * 86_400_000)}`);
  if (m.failingFor > 0)
    text = text
      .replace("AzureAdPrt : YES", "AzureAdPrt : NO")
      .replace(/DeviceAuthStatus : SUCCESS/, "DeviceAuthStatus : FAILED. Device is either disabled or deleted");
  return { hostname: m.hostname, capturedAt: new Date(captured).toISOString(), agentVersion: m.agentVersion, dsregcmd: text, events: m.events };
}

async function setUp(name: string, keepEveryUpload: boolean) {
  const tenant = await createTenant(db, { tenantId: keepEveryUpload ? "aaaabbbb-0000-cccc-1111-dddd2222ffff" : TENANT_ID, name, actor: "bench" });
  if (!tenant.ok) throw new Error(tenant.error.message);
  await db.tenant.update({ where: { id: tenant.id }, data: { keepEveryUpload } });
  const token = await createAgentToken(db, { tenantRef: tenant.id, name: "bench", actor: "bench", allowsDirectUpload: true });
  if (!token.ok) throw new Error(token.error.message);
  const tenantId = keepEveryUpload ? "aaaabbbb-0000-cccc-1111-dddd2222ffff" : TENANT_ID;
  // As the upload's authentication hands them over (lib/agent-tokens): the tenant's settings read with the token.
  return { tokenId: token.id, tenantRef: tenant.id, tenantId, redactUserNames: false, keepEveryUpload, lastUsedAt: new Date() };
}

const empty = await databaseBytes();
const compact = await setUp("Compacted", false);
const everything = await setUp("Keeps every upload", true);
const start = Date.UTC(2026, 8, 1);
let uploads = 0;
let changes = 0;
let failures = 0;
let vacuums = 0;
let reindexes = 0;
let vacuumMs = 0;
const sampleBodies: ReturnType<typeof uploadOf>[] = [];
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

/** One 4-hour round: every device's upload, `CONCURRENCY` devices at a time; each upload's latency to `record`. */
async function round(r: number, record?: (ms: number) => void) {
  const dayStart = r % 6 === 0;
  for (let from = 0; from < DEVICES; from += CONCURRENCY) {
    const bodies: { body: ReturnType<typeof uploadOf>; captured: number }[] = [];
    for (let i = from; i < Math.min(DEVICES, from + CONCURRENCY); i++) {
      const m = machines[i]!;
      if (m.failingFor > 0 && !dayStart) m.failingFor--;
      if (dayStart) {
        const x = random();
        if (x < 0.005) {
          m.text = m.text.replace(/(Thumbprint : )[0-9A-F]{40}/, `$1${hex(40)}`);
          changes++;
        } else if (x < 0.01) {
          m.agentVersion = `2.0.${r}`;
          changes++;
        } else if (x < 0.015) {
          m.failingFor = 1 + Math.floor(random() * 3);
          failures++;
        }
      }
      const captured = start + r * 4 * 3_600_000 + i * 1000;
      const body = uploadOf(m, captured);
      if (i < SAMPLE && r < ROUNDS) sampleBodies.push(body);
      bodies.push({ body, captured });
    }
    await Promise.all(
      bodies.map(async ({ body, captured }) => {
        const t0 = performance.now();
        const result = await ingestReport(db, { agent: compact, body, now: new Date(captured + 20_000) });
        record?.(performance.now() - t0);
        if (!result.ok) throw new Error(result.error.message);
        uploads++;
      }),
    );
  }
  if (r % 6 === 5) await flushFindingsQueue();
}

const began = performance.now();
for (let r = 0; r < ROUNDS; r++) {
  await round(r);
  if (VACUUM) {
    const t0 = performance.now();
    vacuums += (await vacuumBloatedTables(direct)).length;
    if (REINDEX) reindexes += (await reindexBloatedIndexes(direct)).length;
    vacuumMs += performance.now() - t0;
  }
  if (r % 60 === 59)
    console.log(
      `  day ${(r + 1) / 6}: ${uploads.toLocaleString("en-US")} uploads, ${Math.round(uploads / ((performance.now() - began) / 1000))}/s, ` +
        `${kb(((await databaseBytes()) - empty) / DEVICES)} a device so far`,
    );
}
await flushFindingsQueue();
const seconds = (performance.now() - began) / 1000;
const compacted = (await databaseBytes()) - empty;
const perDevice = compacted / DEVICES;
const loadedUploads = uploads;
// Where the bytes are on PostgreSQL: the largest tables (indexes and TOAST included) and their dead row versions.
const tables =
  kind === "postgresql"
    ? await direct.query<{ table: string; bytes: unknown; heap: unknown; dead: unknown; live: unknown }>(
        `SELECT s."relname" AS "table", pg_total_relation_size(s."relid") AS "bytes", pg_relation_size(s."relid") AS "heap", s."n_dead_tup" AS "dead", s."n_live_tup" AS "live"
           FROM pg_stat_user_tables s ORDER BY 2 DESC LIMIT 6`,
      )
    : [];
const indexes =
  kind === "postgresql"
    ? await direct.query<{ index: string; bytes: unknown }>(
        `SELECT "indexrelname" AS "index", pg_relation_size("indexrelid") AS "bytes" FROM pg_stat_user_indexes
          WHERE "relname" IN ('DeviceReport', 'DeviceSummary') ORDER BY 2 DESC LIMIT 8`,
      )
    : [];

// The Settings page's figures for the same database (lib/queries/find-database-size.ts), and what they cost to read.
const sizeStarted = performance.now();
const size = await findDatabaseSize(direct);
const sizeMs = performance.now() - sizeStarted;

// Retention over the loaded database while uploads go on: the uploads' latencies before it, then while it runs.
const RETENTION = { retentionChangeDays: Number(values["retention-days"]), retentionTextChanges: 1 };
let nextRound = ROUNDS;
const before: number[] = [];
// The event loop's delays just before retention too: the uploads' own findings passes hold it as well.
const loopBefore = monitorEventLoopDelay({ resolution: 5 });
loopBefore.enable();
await round(nextRound++, (t) => before.push(t));
loopBefore.disable();
const during: number[] = [];
// What retention's own statements cost, and the longest the event loop was held while it ran (SQLite's statements
// run on it): each read and batch timed from call to answer (a batch shares its transaction with the uploads' batches
// of the same turn).
const retentionCalls = new Map<string, { n: number; ms: number; max: number }>();
const timed = <T>(kind: string, sql: string, work: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  return work().finally(() => {
    const key = `${kind} ${sql.replace(/\s+/g, " ").slice(0, 90)}`;
    const e = retentionCalls.get(key) ?? { n: 0, ms: 0, max: 0 };
    const ms = performance.now() - t0;
    e.n++;
    e.ms += ms;
    e.max = Math.max(e.max, ms);
    retentionCalls.set(key, e);
  });
};
const timedDirect: typeof direct = {
  dialect: direct.dialect,
  query: (sql, params) => timed("read", sql, () => direct.query(sql, params)),
  queryArrays: (sql, params) => timed("read", sql, () => direct.queryArrays(sql, params)),
  batch: (statements) => timed("batch", statements.map((st) => st.sql.slice(0, 30)).join(" + "), () => direct.batch(statements)),
  close: () => direct.close(),
};
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const retentionStarted = performance.now();
let retentionMs = 0;
const retention = applyReportRetention(timedDirect, {
  tenantRef: compact.tenantRef,
  settings: RETENTION,
  now: new Date(start + ROUNDS * 4 * 3_600_000),
  pauseMs: 5,
}).then((outcome) => {
  retentionMs = performance.now() - retentionStarted;
  return outcome;
});
// Only the uploads that finished while it ran count.
while (retentionMs === 0) await round(nextRound++, (t) => retentionMs === 0 && during.push(t));
const retained = await retention;
loopDelay.disable();
await flushFindingsQueue();
if (VACUUM) vacuums += (await vacuumBloatedTables(direct)).length;
if (REINDEX) reindexes += (await reindexBloatedIndexes(direct)).length;
const afterRetention = (await databaseBytes()) - empty;

// The same uploads of the sample devices again, into the tenant that keeps every upload: the growth is theirs.
for (const body of sampleBodies) {
  const r = await ingestReport(db, { agent: everything, body, now: new Date(Date.parse(body.capturedAt) + 20_000) });
  if (!r.ok) throw new Error(r.error.message);
}
await flushFindingsQueue();
const everyPerDevice = ((await databaseBytes()) - empty - afterRetention) / Math.max(1, SAMPLE);
const count = async (tenantRef: string) => db.deviceReport.count({ where: { tenantRef } });
const c = { reports: await count(compact.tenantRef) };
const e = { reports: await count(everything.tenantRef) };
const [floorRow] = await direct.query<{ bytes: unknown }>(
  kind === "sqlite"
    ? `SELECT SUM(COALESCE(length("textZ"), 0) + COALESCE(length("systemTextZ"), 0) + length("findingsSnapshot")) AS "bytes" FROM "DeviceSummary" s JOIN "DeviceReport" r ON r."id" = s."lastReportId" WHERE s."tenantRef" = ?`
    : `SELECT SUM(COALESCE(octet_length("textZ"), 0) + COALESCE(octet_length("systemTextZ"), 0) + octet_length("findingsSnapshot")) AS "bytes" FROM "DeviceSummary" s JOIN "DeviceReport" r ON r."id" = s."lastReportId" WHERE s."tenantRef" = ?`,
  [compact.tenantRef],
);
const floor = Number(floorRow!.bytes) / DEVICES;
console.log(
  `\nbench:storage on ${await databaseLabel(kind)}: ${DEVICES.toLocaleString("en-US")} devices × ${DAYS} days × 6 = ${loadedUploads.toLocaleString("en-US")} uploads`,
);
console.log(
  `  (+ the first ${SAMPLE} devices' uploads again into a tenant that keeps every upload), ${Math.round(loadedUploads / seconds)}/s through ingestReport, ${CONCURRENCY} in flight`,
);
console.log(
  VACUUM
    ? `  maintenance after every round: ${vacuums} VACUUMs of tables with many dead row versions, ${reindexes} rebuilds of sparse indexes${REINDEX ? "" : " (--reindex off)"}, ${(vacuumMs / 1000).toFixed(1)} s in all`
    : `  no maintenance between rounds (--vacuum off)`,
);
console.log(`  state changes: ${changes} (certificate renewals, agent upgrades), failures with recovery: ${failures}`);
console.log(
  `  stored reports: ${c.reports.toLocaleString("en-US")} compacted (${(c.reports / DEVICES).toFixed(2)} a device), ${e.reports.toLocaleString("en-US")} keeping every upload of ${SAMPLE} devices`,
);
console.log(`\n  database bytes per device, ${DAYS} days     ${kb(perDevice).padStart(12)}   (target ≤ ${TARGET_KB} KB)`);
console.log(`  floor: the latest report alone         ${kb(floor).padStart(12)}   ratio ${(perDevice / floor).toFixed(2)}x`);
console.log(`  keeping every upload, per device       ${kb(everyPerDevice).padStart(12)}   ${(everyPerDevice / perDevice).toFixed(0)}x the compacted store`);
console.log(
  `  projection for 100,000 devices         ${((perDevice * 100_000) / 1e9).toFixed(2).padStart(9)} GB   (keeping every upload: ${((everyPerDevice * 100_000) / 1e9).toFixed(0)} GB)`,
);
for (const t of tables)
  console.log(
    `    ${t.table.padEnd(22)} ${kb(Number(t.bytes) / DEVICES).padStart(10)} a device (heap ${kb(Number(t.heap) / DEVICES)}), ${Number(t.live).toLocaleString("en-US")} live, ${Number(t.dead).toLocaleString("en-US")} dead row versions`,
  );
if (indexes.length) console.log(`    largest indexes: ${indexes.map((i) => `${i.index} ${kb(Number(i.bytes) / DEVICES)}`).join(", ")} (a device)`);
const ms = (v: number) => `${v.toFixed(1)} ms`;
console.log(
  `\n  retention (${RETENTION.retentionChangeDays} days, ${RETENTION.retentionTextChanges} text): ${(retentionMs / 1000).toFixed(1)} s (target ≤ 60 s), ` +
    `${retained.changesDeleted.toLocaleString("en-US")} changes deleted, ${retained.textsDropped.toLocaleString("en-US")} texts dropped, ${retained.batches} batches`,
);
console.log(`  upload latency before it (${before.length} uploads)   p50 ${ms(percentile(before, 50))}   p95 ${ms(percentile(before, 95))}`);
console.log(
  `  upload latency while it ran (${during.length} uploads) p50 ${ms(percentile(during, 50))}   p95 ${ms(percentile(during, 95))}   ratio ${(percentile(during, 95) / percentile(before, 95)).toFixed(2)}x`,
);
console.log(
  `  event loop while it ran: longest delay ${(loopDelay.max / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms (before it: ${(loopBefore.max / 1e6).toFixed(1)} ms, p99 ${(loopBefore.percentile(99) / 1e6).toFixed(1)} ms); retention's calls (count, total, longest):`,
);
for (const [key, e] of [...retentionCalls].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6))
  console.log(`    ${String(e.n).padStart(5)}× ${ms(e.ms).padStart(10)} ${ms(e.max).padStart(9)}  ${key}`);
console.log(`  database after retention                ${kb(afterRetention / DEVICES).padStart(12)} a device`);
console.log(
  `  the Settings page's figures: ${(size.totalBytes / 1e6).toFixed(1)} MB in all, read in ${sizeMs.toFixed(0)} ms; ` +
    size.tenants.map((t) => `${t.name} ${(t.bytes / 1e6).toFixed(1)} MB`).join(", "),
);
const pass = perDevice <= TARGET_KB * 1024;
console.log(pass ? `\nPASS: ${kb(perDevice)} a device ≤ ${TARGET_KB} KB` : `\nFAIL: ${kb(perDevice)} a device > ${TARGET_KB} KB`);
// Every pool closed before the database is dropped (the findings pass uses the process's own client); a pool that
// still held a connection reports the drop's termination, which is expected here.
process.on("uncaughtException", (error) => {
  if ((error as { code?: string }).code !== "57P01") throw error;
});
await db.$disconnect();
await globalDb.$disconnect();
await direct.close();
await dropBenchDatabase(url);
process.exit(pass ? 0 : 1);
