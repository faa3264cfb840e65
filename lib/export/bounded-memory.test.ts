import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXPORT_FORMATS } from "./export-format";

const ROWS = 100_000;
const HEAP_MB = 64;

describe("an export's memory", () => {
  it.each(EXPORT_FORMATS)(
    `%s: ${ROWS.toLocaleString("en")} rows of ~1 KB in a process whose old generation holds ${HEAP_MB} MB; heap and Buffers stay under it`,
    (format) => {
      const run = spawnSync(
        process.execPath,
        [`--max-old-space-size=${HEAP_MB}`, "--import", "tsx", join(import.meta.dirname, "testing/export-in-bounded-heap.ts"), format, String(ROWS)],
        { encoding: "utf8", timeout: 240_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      const { bytes, peakMb } = JSON.parse(run.stdout.trim().split("\n").pop()!) as { bytes: number; peakMb: number };
      // More text went through than the heap could hold at once (XLSX: the same rows compressed), and the heap plus the
      // Buffers outside it never held more than the old generation's limit.
      expect(bytes).toBeGreaterThan(format === "xlsx" ? 1_000_000 : HEAP_MB * 1.4e6);
      expect(peakMb).toBeLessThan(HEAP_MB);
    },
    300_000,
  );
});
