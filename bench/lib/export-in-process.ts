/**
 * One export in this process, without the server (bench:export's profile helper): the same source and writer the
 * route uses, written to a file (or /dev/null), with the process's CPU time, peak RSS growth and heap sampled every
 * 5 ms. For profiles (`node --cpu-prof`) and for comparing the bytes of two versions of the code.
 *
 *   DATABASE_URL=file:./data/bench/ui-sqlite-v2-100000.db node --conditions=react-server --import tsx \
 *     bench/lib/export-in-process.ts TENANT devices|findings csv|jsonl|xlsx OUT [query string, e.g. status=all]
 *
 * BENCH_EXPORT_BATCH_ROWS=n reads batches of n rows instead of the source's own size (to compare sizes);
 * BENCH_EXPORT_NO_COPY=1 formats every row in JavaScript even where the database can COPY the rows' text (CSV, JSON
 * Lines) or cells (XLSX, decision 053).
 */
import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { directDb } from "@/lib/db/direct";
import { createDeviceExportSource } from "@/lib/export/device-export-source";
import { createFindingExportSource } from "@/lib/export/finding-export-source";
import type { ExportFormat } from "@/lib/export/export-format";
import { writeExport } from "@/lib/export/stream-export";
import { DeviceListParamsSchema } from "@/lib/url-params/device-list-params";
import { FindingListParamsSchema } from "@/lib/url-params/finding-list-params";

const [tenantRef, what, format, out, query = ""] = process.argv.slice(2) as [string, "devices" | "findings", ExportFormat, string, string?];
const given = Object.fromEntries(new URLSearchParams(query));
const direct = directDb();
const batchRows = process.env.BENCH_EXPORT_BATCH_ROWS ? Number(process.env.BENCH_EXPORT_BATCH_ROWS) : undefined;
const read =
  what === "devices"
    ? createDeviceExportSource(direct, { tenantRef, params: DeviceListParamsSchema.parse(given), batchRows })
    : createFindingExportSource(direct, { tenantRef, params: FindingListParamsSchema.parse(given), batchRows });
const source = process.env.BENCH_EXPORT_NO_COPY === "1" ? { ...read, textRows: undefined, sheetCells: undefined } : read;

// Warm up: the statements prepared and the code compiled, as in a server that has served one export before.
await writeExport(
  what === "devices"
    ? createDeviceExportSource(direct, { tenantRef, params: DeviceListParamsSchema.parse({ q: "warm-up" }) })
    : createFindingExportSource(direct, { tenantRef, params: FindingListParamsSchema.parse({ q: "warm-up" }) }),
  format,
  createWriteStream("/dev/null"),
);
global.gc?.();
const rss = () => process.memoryUsage.rss() / 1e6;
const before = rss();
let peak = before;
let peakHeap = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, rss());
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed / 1e6);
}, 5);
const cpu = process.cpuUsage();
const started = performance.now();
const target = createWriteStream(out);
await writeExport(source, format, target);
target.end();
await finished(target);
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
clearInterval(sampler);
peak = Math.max(peak, rss());
console.log(
  `${what} ${format}: ${ms.toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms, RSS growth ${(peak - before).toFixed(0)} MB (from ${before.toFixed(0)}), peak heap used ${peakHeap.toFixed(0)} MB`,
);
await direct.close();
