/**
 * Report history storage (issue 18, decision 013): how many bytes a device's 90 days of 4-hourly uploads cost.
 *
 *   npm run bench:storage [-- --devices 2000 --days 90 --db sqlite|postgresql|both --sample 20]
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
 * Database bytes: SQLite's pages in use after a checkpoint, PostgreSQL's database size less the empty database's.
 * Exits 1 when the target is missed.
 */
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { join } from "node:path";
import { createBenchDatabase, databaseLabel, dropBenchDatabase, parseDbOption, runPerDatabase } from "./lib/bench-database";
import { ROOT } from "./lib/server";

const { values } = parseArgs({
  options: {
    devices: { type: "string", default: "2000" },
    days: { type: "string", default: "90" },
    sample: { type: "string", default: "20" },
    db: { type: "string", default: "sqlite" },
  },
});
const kind = runPerDatabase(parseDbOption(values.db), import.meta.filename);
const DEVICES = Number(values.devices);
const DAYS = Number(values.days);
const SAMPLE = Math.min(DEVICES, Number(values.sample));
const ROUNDS = DAYS * 6;
const TENANT_ID = "aaaabbbb-0000-cccc-1111-dddd2222eeee";
const TARGET_KB = 50;

const url = await createBenchDatabase(kind, "storage");
process.env.DATABASE_URL = url;
process.env.LOG_LEVEL = "warn";
// The modules read DATABASE_URL when first imported.
const { createDb } = await import("@/lib/db/client");
const { directDb } = await import("@/lib/db/direct");
const { ingestReport } = await import("@/lib/ingest/ingest-report");
const { createTenant } = await import("@/lib/tenants/create-tenant");
const { createAgentToken } = await import("@/lib/agent-tokens/create-agent-token");
const { flushFindingsQueue } = await import("@/lib/findings/findings-scheduler");
const { generateTenant } = await import("@/simulator/generate-tenant");

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
const sampleBodies: ReturnType<typeof uploadOf>[] = [];
const began = performance.now();
for (let round = 0; round < ROUNDS; round++) {
  const dayStart = round % 6 === 0;
  for (let i = 0; i < DEVICES; i++) {
    const m = machines[i]!;
    if (m.failingFor > 0 && !dayStart) m.failingFor--;
    if (dayStart) {
      const r = random();
      if (r < 0.005) {
        m.text = m.text.replace(/(Thumbprint : )[0-9A-F]{40}/, `$1${hex(40)}`);
        changes++;
      } else if (r < 0.01) {
        m.agentVersion = `2.0.${round}`;
        changes++;
      } else if (r < 0.015) {
        m.failingFor = 1 + Math.floor(random() * 3);
        failures++;
      }
    }
    const captured = start + round * 4 * 3_600_000 + i * 1000;
    const body = uploadOf(m, captured);
    if (i < SAMPLE) sampleBodies.push(body);
    const r = await ingestReport(db, { agent: compact, body, now: new Date(captured + 20_000) });
    if (!r.ok) throw new Error(r.error.message);
    uploads++;
  }
  if (round % 6 === 5) await flushFindingsQueue();
  if (round % 60 === 59)
    console.log(`  day ${(round + 1) / 6}: ${uploads.toLocaleString("en-US")} uploads, ${Math.round(uploads / ((performance.now() - began) / 1000))}/s`);
}
await flushFindingsQueue();
const seconds = (performance.now() - began) / 1000;

const compacted = (await databaseBytes()) - empty;
const perDevice = compacted / DEVICES;
// The same uploads of the sample devices again, into the tenant that keeps every upload: the growth is theirs.
for (const body of sampleBodies) {
  const r = await ingestReport(db, { agent: everything, body, now: new Date(Date.parse(body.capturedAt) + 20_000) });
  if (!r.ok) throw new Error(r.error.message);
}
await flushFindingsQueue();
const everyPerDevice = ((await databaseBytes()) - empty - compacted) / Math.max(1, SAMPLE);
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
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

console.log(
  `\nbench:storage on ${await databaseLabel(kind)}: ${DEVICES.toLocaleString("en-US")} devices × ${DAYS} days × 6 = ${uploads.toLocaleString("en-US")} uploads`,
);
console.log(`  (+ the first ${SAMPLE} devices' uploads again into a tenant that keeps every upload), ${Math.round(uploads / seconds)}/s through ingestReport`);
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
await db.$disconnect();
await direct.close();
await dropBenchDatabase(url);
const pass = perDevice <= TARGET_KB * 1024;
console.log(pass ? `\nPASS: ${kb(perDevice)} a device ≤ ${TARGET_KB} KB` : `\nFAIL: ${kb(perDevice)} a device > ${TARGET_KB} KB`);
process.exit(pass ? 0 : 1);
