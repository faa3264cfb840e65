/**
 * Exports at fleet scale (issue 17, item 5; decision 014): every row of a 100,000-device tenant's Devices list and of
 * its findings, in each format, through the production server and a signed-in session, next to the database's own
 * dump of the same table in the same run (`sqlite3 -csv`, PostgreSQL `COPY … TO STDOUT`), with the server's RSS.
 *
 *   npm run bench:export [-- --db sqlite|postgresql|both --devices 100000 --runs 3 --port 3470 --fresh --accept-encoding identity
 *                           --what devices|findings --formats csv,jsonl,xlsx]
 *
 * The tenant is bench:ui's (bench/lib/ui-data.ts: built once, kept in data/bench). Each export and each dump runs
 * `--runs` times after one unmeasured small export per format (the server's code paths loaded); times are medians,
 * from the request to the body's last byte on loopback, with the time to the first byte. The server's RSS
 * (/proc/PID/status VmRSS, sampled every 5 ms) is read just before each request and during it: its growth is the
 * largest over the runs. The server's CPU time (user + system, every thread, /proc/PID/stat) during each export is
 * printed beside it: on a loaded machine it says more than wall time. The client asks as Chromium does (`gzip, deflate,
 * br, zstd`) and decodes what it is sent, as a browser does before saving the file; "size" is the decoded file, "sent"
 * the bytes on the wire with their encoding. Each export is judged against the dump sent the same way: a gzipped export
 * against as many bytes of the dump as it sent, piped through `gzip -1` and decoded by this process; a plain one
 * against the plain dump (decision 036, amended); both floors are printed. Needs the sqlite3 shell (Debian: apt-get install sqlite3), gzip and psql.
 * Targets: CSV and JSON Lines within 2× of the dump, XLSX within 4×; RSS growth under 100 MB. Exits 1 on a miss.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { get as httpGet, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createGunzip, createInflate } from "node:zlib";
import { acceptsGzip, EXPORT_GZIP_LEVEL } from "../lib/export/export-encoding";
import { prepareUiTenant, uiSetupStep } from "./lib/ui-data";
import { ensureBuild, processCpuSeconds, ROOT, startServer } from "./lib/server";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    devices: { type: "string", default: "100000" },
    runs: { type: "string", default: "3" },
    port: { type: "string", default: "3470" },
    fresh: { type: "boolean", default: false },
    // What the client asks for: by default `gzip, deflate, br, zstd`, as Chromium asks; `identity` measures the
    // export uncompressed, like the floor (decision 036).
    "accept-encoding": { type: "string", default: "gzip, deflate, br, zstd" },
    // Only one list's exports, or only some formats (a quick A/B of one export); by default all of both lists.
    what: { type: "string" },
    formats: { type: "string", default: "csv,jsonl,xlsx" },
  },
});
const ACCEPT_ENCODING = values["accept-encoding"]!;
const GZIP_ACCEPTED = acceptsGzip(ACCEPT_ENCODING);
const DEVICES = Number(values.devices);
const RUNS = Math.max(1, Number(values.runs));
const kinds =
  values.db === "both"
    ? (["sqlite", "postgresql"] as const)
    : values.db === "postgres" || values.db === "postgresql"
      ? (["postgresql"] as const)
      : (["sqlite"] as const);
const ALL_FORMATS = ["csv", "jsonl", "xlsx"] as const;
const FORMATS = values.formats!.split(",").map((f) => {
  const format = ALL_FORMATS.find((known) => known === f.trim());
  if (!format) throw new Error(`bench:export: --formats takes ${ALL_FORMATS.join(", ")}, not "${f}"`);
  return format;
});
const LISTS = (["devices", "findings"] as const).filter((w) => !values.what || w === values.what);
if (LISTS.length === 0) throw new Error(`bench:export: --what takes devices or findings, not "${values.what}"`);
const RATIO_TARGET = { csv: 2, jsonl: 2, xlsx: 4 } as const;
const RSS_TARGET_MB = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.replace(/\D+/g, "")) / 1024;
}

/**
 * A command's standard output read to the end: wall time and bytes. With `gzipBytes`, the command's first `gzipBytes`
 * bytes (as many as the export sent, decoded) go through `gzip -1` (the level the export routes use, decision 036) in
 * a pipe, and this process decodes them as the export's client does (createGunzip): the same work as a gzipped export,
 * done the cheapest way. The command stops when `head` has what it needs (SIGPIPE counts as success). `bytes` is the
 * decoded size.
 */
function timeCommand(command: string, args: string[], gzipBytes?: number): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const pipeline = `"$@" | head -c ${gzipBytes} | gzip -${EXPORT_GZIP_LEVEL} -c; s=("\${PIPESTATUS[@]}"); [[ (\${s[0]} == 0 || \${s[0]} == 141) && \${s[1]} == 0 && \${s[2]} == 0 ]]`;
    const child =
      gzipBytes === undefined
        ? spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] })
        : spawn("bash", ["-c", pipeline, "dump", command, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let bytes = 0;
    const out: NodeJS.ReadableStream = gzipBytes === undefined ? child.stdout : child.stdout.pipe(createGunzip());
    out.on("data", (d: Buffer) => (bytes += d.length));
    out.on("error", reject);
    child.on("error", reject);
    let exitCode: number | null = null;
    let ended = false;
    const finish = () => {
      if (exitCode === null || !ended) return;
      if (exitCode === 0) resolve({ ms: performance.now() - started, bytes });
      else reject(new Error(`${command} exited ${exitCode}`));
    };
    out.on("end", () => ((ended = true), finish()));
    child.on("close", (code) => ((exitCode = code ?? 1), finish()));
  });
}

/**
 * One export as a browser receives it: the request with the client's Accept-Encoding, the body read to its end and,
 * when the server compressed it (gzip, or deflate, the two Next.js's compression offers), decoded as it arrives (a browser decodes a download before writing it). `bytes` is
 * the decoded size (the file saved), `wireBytes` what crossed the connection.
 */
async function timeExport(
  base: string,
  path: string,
  cookie: string,
  pid: number,
): Promise<{ ms: number; firstByteMs: number; bytes: number; wireBytes: number; encoding: string; rssGrowthMb: number; cpuMs: number; status: number }> {
  const before = rssMb(pid);
  const cpuBefore = processCpuSeconds(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 5);
  const started = performance.now();
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      httpGet(`${base}${path}`, { headers: { cookie, "accept-encoding": ACCEPT_ENCODING } }, resolve).on("error", reject),
    );
    const encoding = String(response.headers["content-encoding"] ?? "identity");
    let firstByteMs = 0;
    let wireBytes = 0;
    response.on("data", (d: Buffer) => {
      if (wireBytes === 0) firstByteMs = performance.now() - started;
      wireBytes += d.length;
    });
    const body: AsyncIterable<Buffer> =
      encoding === "gzip" ? response.pipe(createGunzip()) : encoding === "deflate" ? response.pipe(createInflate()) : response;
    let bytes = 0;
    for await (const chunk of body) bytes += chunk.length;
    const ms = performance.now() - started;
    return {
      ms,
      firstByteMs,
      bytes,
      wireBytes,
      encoding,
      rssGrowthMb: Math.max(peak, rssMb(pid)) - before,
      cpuMs: (processCpuSeconds(pid) - cpuBefore) * 1000,
      status: response.statusCode ?? 0,
    };
  } finally {
    clearInterval(sampler);
  }
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function run(kind: "sqlite" | "postgresql"): Promise<boolean> {
  const { url, built, reused } = await prepareUiTenant(kind, DEVICES, values.fresh);
  const { token } = uiSetupStep<{ token: string }>("login", url, DEVICES);
  const cookie = `joinscope_session=${token}`;
  const tenant = built.tenantRef;
  const dump = (table: string, gzipBytes?: number) => {
    const sql = `SELECT * FROM "${table}" WHERE "tenantRef" = '${tenant}'`;
    return kind === "sqlite"
      ? timeCommand("sqlite3", ["-csv", "-header", join(ROOT, url.slice(5)), sql], gzipBytes)
      : timeCommand("psql", [url, "-X", "-q", "-c", `COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER)`], gzipBytes);
  };
  const medianDump = async (table: string, gzipBytes?: number) => {
    const dumps: { ms: number; bytes: number }[] = [];
    for (let i = 0; i < RUNS; i++) dumps.push(await dump(table, gzipBytes));
    return { ms: median(dumps.map((d) => d.ms)), bytes: dumps[0]!.bytes };
  };
  const dumpName = kind === "sqlite" ? "sqlite3 -csv" : "COPY … TO STDOUT";
  const port = Number(values.port) + (kind === "postgresql" ? 1 : 0);
  if (await portInUse(port)) throw new Error(`bench:export: port ${port} is in use; pick others with --port`);
  const server = await startServer({ databaseUrl: url, port });
  const pid = server.child.pid!;
  const loadBefore = loadavg()[0]!;
  const lines: string[] = [];
  let ok = true;
  try {
    for (const what of LISTS) {
      for (const format of FORMATS) await timeExport(server.url, `/api/v1/${what}/export?tenant=${tenant}&format=${format}&q=warm-up`, cookie, pid);
    }
    for (const [what, table, query] of (
      [
        ["devices", "DeviceSummary", ""],
        ["findings", "Finding", "&status=all"],
      ] as const
    ).filter(([w]) => LISTS.includes(w))) {
      // The floor of a plain download (XLSX always, everything with --accept-encoding identity) is the plain dump.
      // A gzipped download is judged against the dump cut to the bytes it sent, through `gzip -1`, decoded by this
      // process: the same work done the cheapest way (decision 036, amended), measured after the export.
      const plain = await medianDump(table);
      lines.push(`  ${`${what}: ${dumpName} (floor)`.padEnd(40)}${fmt(plain.ms)}${"".padStart(9)}${mb(plain.bytes)}`);
      for (const format of FORMATS) {
        const runs = [];
        for (let i = 0; i < RUNS; i++) runs.push(await timeExport(server.url, `/api/v1/${what}/export?tenant=${tenant}&format=${format}${query}`, cookie, pid));
        const ms = median(runs.map((r) => r.ms));
        const growth = Math.max(...runs.map((r) => r.rssGrowthMb));
        const encodings = new Set(runs.map((r) => r.encoding));
        if (encodings.size !== 1 || ![...encodings].every((e) => e === "gzip" || e === "identity"))
          throw new Error(`bench:export: ${what} ${format} came as ${[...encodings].join(", ")}`);
        let floor = plain.ms;
        if (runs[0]!.encoding === "gzip") {
          if (!GZIP_ACCEPTED) throw new Error(`bench:export: ${what} ${format} came gzipped although the client did not ask for gzip`);
          const gz = await medianDump(table, runs[0]!.bytes);
          floor = gz.ms;
          lines.push(`  ${`${what}: ${dumpName} | head | gzip -1 (floor)`.padEnd(40)}${fmt(gz.ms)}${"".padStart(9)}${mb(gz.bytes)}`);
        }
        const ratio = ms / floor;
        const pass = runs.every((r) => r.status === 200) && ratio <= RATIO_TARGET[format] && growth < RSS_TARGET_MB;
        if (!pass) ok = false;
        lines.push(
          `  ${`${what}: ${format}`.padEnd(40)}${fmt(ms)}${fmt(median(runs.map((r) => r.firstByteMs)))}${mb(runs[0]!.bytes)}${`${ratio.toFixed(2)}×`.padStart(9)} (≤ ${RATIO_TARGET[format]}×)${`${growth.toFixed(0)} MB`.padStart(9)}  ${pass ? "pass" : "FAIL"}${fmt(median(runs.map((r) => r.cpuMs)))}  ${mb(runs[0]!.wireBytes)} (${runs[0]!.encoding})`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  const loadAfter = loadavg()[0]!;
  console.log(`
bench:export  ${kind}: ${built.devices} devices, ${built.reports} reports, production build, median of ${RUNS} runs each
  data ${reused ? `reused (built ${built.builtAt})` : "built now"}; load average (1 min) ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${availableParallelism()} cores; accept-encoding ${ACCEPT_ENCODING}
  export                                       total ms first byte      size  vs floor           RSS growth    server CPU ms  sent (encoding)
${lines.join("\n")}
  targets: CSV and JSON Lines ≤ 2× the dump, XLSX ≤ 4×, each against the dump sent as it was (gzipped or not); the server's RSS grows < ${RSS_TARGET_MB} MB during an export
  ${ok ? "PASS" : "FAIL"}`);
  return ok;
}

const fmt = (ms: number) => ms.toFixed(0).padStart(9);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`.padStart(10);

ensureBuild();
let allOk = true;
for (const kind of kinds) allOk = (await run(kind)) && allOk;
process.exit(allOk ? 0 : 1);
