/**
 * Run by lib/export/bounded-memory.test.ts in a process of its own with a small old generation
 * (`--max-old-space-size`): exports `rows` findings-like rows (~1.2 KB of text each, more than the heap holds in all)
 * in FORMAT through exportChunks to a sink that only counts bytes, and prints the bytes and the peak of the heap used
 * plus the memory outside it (Buffers). Anything that kept the rows would die of heap exhaustion; anything that kept
 * the output would show in the peak.
 */
import type { ExportFormat } from "../export-format";
import type { ExportSource } from "../export-source";
import { exportChunks } from "../stream-export";

const [format, rowsArg] = process.argv.slice(2) as [ExportFormat, string];
const total = Number(rowsArg);
const step = "Lock and unlock the session (or sign out and in) as the user, then capture dsregcmd /status again. ";
const source: ExportSource = {
  name: "findings",
  columns: [{ key: "rule" }, { key: "hostname" }, { key: "n" }, { key: "ok" }, { key: "evidence" }, { key: "remediation", flatten: (v) => String(v) }],
  count: async () => total,
  async *batches() {
    for (let start = 0; start < total; start += 500) {
      yield Array.from({ length: Math.min(500, total - start) }, (_, i) => [
        "prt-stale",
        `PC-${start + i}`,
        start + i,
        i % 2 === 0,
        `AzureAdPrtUpdateTime=2026-12-06 14:29:51.866 UTC; capturedAt=2026-12-06T20:31:51.866Z; n=${start + i}`,
        [step, step, step, step, step, step, step, step, `${start + i}`],
      ]);
    }
  },
};
let bytes = 0;
let peak = 0;
for await (const chunk of exportChunks(source, format)) {
  bytes += chunk.length;
  const m = process.memoryUsage();
  peak = Math.max(peak, m.heapUsed + m.external);
}
console.log(JSON.stringify({ bytes, peakMb: peak / 1e6 }));
