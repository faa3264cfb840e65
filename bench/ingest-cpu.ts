/**
 * What an upload costs the server, in process: bench:ingest's bodies (bench/lib/ingest-workload.ts) through
 * uploadReport, the function both the fast path and the route handler call, on SQLite, with no HTTP and no build.
 *
 *   npm run bench:ingest-cpu [-- --reports 3000 --warm 300 --clients 8 --workload renames|fleet --pass-every 1000
 *                               --statements --wal-frames --profile file.cpuprofile]
 *
 * `--clients` uploads in flight (each with a token of its own, as bench:ingest's clients), after `--warm` of them
 * unmeasured. Prints, per measured upload: the process's CPU (all threads, as bench:ingest's "server CPU a report"),
 * of which system and the main thread's, the bytes the process wrote (`wchar` of /proc/self/io: the WAL and the
 * checkpoints' copies) and the wall time. The findings passes the uploads queue are in the window: the scheduler's
 * 1 s debounce is replaced by a pass every `--pass-every` uploads (a quiet server takes ~1,000 a second), so that a
 * run does the same passes whatever the machine's load and runs compare like with like (a run on a loaded machine
 * otherwise passes more often, over fewer uploads each).
 *
 * CPU time moves ±10% between identical runs on a loaded machine: compare builds alternated, several runs each, and
 * say the load. `--statements`: wall time and count of each SQL statement an upload runs (timing inflates the run).
 * `--wal-frames` (deterministic): the WAL frames the run's transactions wrote, by table or index (SQLite's dbstat);
 * a reader holds a snapshot meanwhile so that no checkpoint restarts the WAL, which changes the CPU figures.
 */
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { createBenchDatabase } from "./lib/bench-database";
import { ingestUploads, parseIngestWorkload } from "./lib/ingest-workload";
import { ROOT } from "./lib/server";

const { values } = parseArgs({
  options: {
    reports: { type: "string", default: "3000" },
    warm: { type: "string", default: "300" },
    clients: { type: "string", default: "8" },
    workload: { type: "string", default: "renames" },
    "pass-every": { type: "string", default: "1000" },
    statements: { type: "boolean", default: false },
    "wal-frames": { type: "boolean", default: false },
    profile: { type: "string" },
    name: { type: "string", default: "ingest_cpu" },
  },
});
const N = Number(values.reports);
const WARM = Number(values.warm);
const CLIENTS = Number(values.clients);
const WORKLOAD = parseIngestWorkload(values.workload);
const PASS_EVERY = Number(values["pass-every"]);
const bodies = ingestUploads(WARM + N, WORKLOAD).map((b) => Buffer.from(b));

// The findings scheduler's debounce (DEBOUNCE_MS, lib/findings/findings-scheduler.ts) never fires here: the run
// flushes the queue itself every PASS_EVERY uploads.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) =>
  ms === 1_000
    ? { unref: () => undefined, ref: () => undefined, hasRef: () => false, refresh: () => undefined }
    : realSetTimeout(fn, ms, ...rest)) as typeof setTimeout;

// --statements: each statement's time, from better-sqlite3's Statement methods (the direct path's every statement).
const statementTimes = new Map<string, { n: number; ms: number }>();
let timing = false;
if (values.statements) {
  const proto = Object.getPrototypeOf(new Database(":memory:").prepare("SELECT 1")) as Record<string, (...a: unknown[]) => unknown>;
  for (const method of ["run", "all", "get"]) {
    const original = proto[method]!;
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      if (!timing) return original.apply(this, args);
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const key = this.source.replace(/\s+/g, " ").slice(0, 100);
        const entry = statementTimes.get(key) ?? { n: 0, ms: 0 };
        entry.n++;
        entry.ms += performance.now() - started;
        statementTimes.set(key, entry);
      }
    };
  }
}

const url = await createBenchDatabase("sqlite", values.name!);
const file = join(ROOT, url.slice("file:".length));
process.env.DATABASE_URL = url;
process.env.LOG_LEVEL = "warn";
// As bench:ingest's server: the per-key limits lifted (each client stands in for thousands of agents).
process.env.JOINSCOPE_INGEST_RATE_LIMIT = "1000000";
process.env.JOINSCOPE_INGEST_BYTES_PER_MINUTE = String(64 * 1024 * 1024 * 1024);
const { db } = await import("@/lib/db/client");
const { seedIngestTenant } = await import("./lib/ingest-tenant");
const { uploadReport } = await import("@/lib/ingest/upload-endpoint");
const { flushFindingsQueue } = await import("@/lib/findings/findings-scheduler");

const { tokens } = await seedIngestTenant(db, CLIENTS);

const statuses = new Map<number, number>();
async function upload(i: number, token: string): Promise<void> {
  const bytes = bodies[i]!;
  const outcome = await uploadReport({
    authorization: `Bearer ${token}`,
    clientAddress: "127.0.0.1",
    contentType: "application/json",
    contentLength: String(bytes.byteLength),
    readBody: async () => bytes,
  });
  // The answer's body, as the fast path writes it.
  JSON.stringify(outcome.body);
  statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
}
async function uploadRange(from: number, to: number): Promise<void> {
  let next = from;
  await Promise.all(
    tokens.map(async (token) => {
      for (let i = next++; i < to; i = next++) {
        await upload(i, token);
        if ((i + 1) % PASS_EVERY === 0) await flushFindingsQueue();
      }
    }),
  );
  await flushFindingsQueue();
}

const bytesWritten = () => Number(/wchar: (\d+)/.exec(readFileSync("/proc/self/io", "utf8"))![1]);
const mainThreadNs = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]);

await uploadRange(0, WARM);
statuses.clear();

// --wal-frames: a snapshot held from here keeps every frame the run writes in the WAL (no checkpoint can restart it).
const reader = values["wal-frames"] ? new Database(file, { readonly: true }) : null;
reader?.exec("BEGIN");
reader?.prepare(`SELECT 1 FROM "Tenant" LIMIT 1`).get();
const framesBefore = reader ? walFrames(file).length : 0;

const inspector = values.profile ? await import("node:inspector/promises") : null;
const session = inspector ? new inspector.Session() : null;
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
timing = true;
const cpu0 = process.cpuUsage();
const written0 = bytesWritten();
const main0 = mainThreadNs();
const started = performance.now();
await uploadRange(WARM, WARM + N);
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
const written = bytesWritten() - written0;
const mainNs = mainThreadNs() - main0;
timing = false;
if (session) writeFileSync(values.profile!, JSON.stringify((await session.post("Profiler.stop")).profile));

const per = (x: number) => x / N;
console.log(`bench:ingest-cpu  ${N} uploads (after ${WARM}), ${CLIENTS} in flight, SQLite, workload ${WORKLOAD}, a findings pass every ${PASS_EVERY}, load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}
  process CPU an upload   ${per((cpu.user + cpu.system) / 1000).toFixed(3)} ms   (system ${per(cpu.system / 1000).toFixed(3)} ms, main thread ${per(mainNs / 1e6).toFixed(3)} ms)
  written an upload       ${per(written / 1024).toFixed(1)} KB   (WAL and checkpoints)
  wall an upload          ${per(wallMs).toFixed(3)} ms
  answers: ${[...statuses].map(([s, c]) => `${s}×${c}`).join(", ")}`);

if (values.statements) {
  console.log("  statements (wall an upload, runs an upload):");
  for (const [sql, t] of [...statementTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
    console.log(`    ${((t.ms * 1000) / N).toFixed(1).padStart(7)} µs  ${(t.n / N).toFixed(2).padStart(5)}  ${sql}`);
}

if (reader) {
  const frames = walFrames(file).slice(framesBefore);
  reader.exec("COMMIT");
  // A page's b-tree at the end of the run, and whether that b-tree is an index: a frame whose page was then a page of
  // the other kind (an index page freed and reused for a table, say) is counted apart, not under the page's last owner.
  const indexes = new Set((reader.prepare(`SELECT "name" FROM "sqlite_schema" WHERE "type" = 'index'`).all() as { name: string }[]).map((r) => r.name));
  const owner = new Map(
    (reader.prepare(`SELECT "pageno", "name", "pagetype" FROM "dbstat"`).all() as { pageno: number; name: string; pagetype: string }[]).map((r) => [
      r.pageno,
      { name: r.name, index: indexes.has(r.name) || r.name.startsWith("sqlite_autoindex_"), overflow: r.pagetype === "overflow" },
    ]),
  );
  const byName = new Map<string, number>();
  for (const frame of frames) {
    const page = owner.get(frame.page);
    // B-tree page types (https://www.sqlite.org/fileformat.html#b_tree_pages): 2 and 10 index, 5 and 13 table.
    const kind = frame.type === 2 || frame.type === 10 ? "index" : frame.type === 5 || frame.type === 13 ? "table" : null;
    const name = !page
      ? "(free or new)"
      : page.overflow || kind === null || kind === (page.index ? "index" : "table")
        ? page.name
        : "(a page of another b-tree then, reused since)";
    byName.set(name, (byName.get(name) ?? 0) + 1);
  }
  // The pages every transaction writes (a table's or index's last leaf) cost less an upload the more uploads a group
  // commit holds, which depends on the timing: say how many there were.
  const commits = frames.filter((f) => f.commit).length;
  console.log(
    `  WAL frames an upload: ${per(frames.length).toFixed(2)} (${per((frames.length * 8216) / 1024).toFixed(1)} KB at 8 KB pages), in ${commits} transactions (${(N / Math.max(1, commits)).toFixed(1)} uploads each); by table or index:`,
  );
  for (const [name, n] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`    ${per(n).toFixed(2).padStart(6)}  ${name}`);
  reader.close();
}
await db.$disconnect();
process.exit(0);

/**
 * The valid frames of the WAL file, in order (https://www.sqlite.org/fileformat.html#wal_file_format): each one's page
 * number, whether it ends a transaction, and the page's first byte (its b-tree page type).
 */
function walFrames(database: string): { page: number; commit: boolean; type: number }[] {
  const fd = openSync(`${database}-wal`, "r");
  try {
    const header = Buffer.alloc(32);
    if (readSync(fd, header, 0, 32, 0) < 32) return [];
    const pageSize = header.readUInt32BE(8);
    const salt = [header.readUInt32BE(16), header.readUInt32BE(20)];
    const frameHeader = Buffer.alloc(25);
    const frames: { page: number; commit: boolean; type: number }[] = [];
    for (let offset = 32; readSync(fd, frameHeader, 0, 25, offset) === 25; offset += 24 + pageSize) {
      if (frameHeader.readUInt32BE(8) !== salt[0] || frameHeader.readUInt32BE(12) !== salt[1]) break;
      const page = frameHeader.readUInt32BE(0);
      // Page 1 starts with the database header; its b-tree header is at byte 100.
      const type = page === 1 ? 13 : frameHeader[24]!;
      frames.push({ page, commit: frameHeader.readUInt32BE(4) > 0, type });
    }
    return frames;
  } finally {
    closeSync(fd);
  }
}
