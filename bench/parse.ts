/**
 * Parser throughput on the positive fixtures.
 *
 *   node --conditions=react-server --import tsx bench/parse.ts [seconds]
 *
 * Repeats both measurements over all fixtures, in alternating ~20 ms batches, for the time budget
 * (3 s by default) after a warm-up. The floor is the least any parser must do with the same
 * bytes: decode them and split the text into lines. Pass/fail uses the median batch rate, which a
 * busy machine disturbs less than the mean. Exits 1 if parseDsregcmd is under 50 MB/s.
 */
import { decodeReportText } from "../lib/reports/decode-report-text";
import { FIXTURES, readFixture } from "../lib/reports/fixtures";
import { parseDsregcmd } from "../lib/reports/parse-dsregcmd";

const REQUIRED_MB_PER_S = 50;
const seconds = Number(process.argv[2] ?? 3);
const budgetMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : 3) * 1000;

const inputs = FIXTURES.map((f) => new Uint8Array(readFixture(f.file)));
const bytesPerRound = inputs.reduce((sum, b) => sum + b.byteLength, 0);

// Keeps results alive so the JIT cannot drop the work.
let sink = 0;

function floor(input: Uint8Array): void {
  const decoded = decodeReportText(input);
  if (!decoded.ok) throw new Error(decoded.error.message);
  const lines = decoded.text.split("\n");
  for (const line of lines) sink += line.length;
}

function parse(input: Uint8Array): void {
  const result = parseDsregcmd(input);
  if (!result.ok) throw new Error(result.error.message);
  sink += result.report.sections.length;
}

interface Measurement {
  name: string;
  rounds: number;
  ms: number;
  /** Total bytes over total time. */
  meanMbPerS: number;
  /** Median of the per-batch rates: robust against other processes stealing the CPU. */
  medianMbPerS: number;
}

function runBatch(work: (input: Uint8Array) => void, rounds: number): number {
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const input of inputs) work(input);
  return performance.now() - started;
}

/**
 * Interleaves batches of both measurements for `ms` so that both see the same machine load,
 * after a warm-up that also sizes a batch to about 20 ms.
 */
function measureInterleaved(jobs: { name: string; work: (input: Uint8Array) => void }[], ms: number): Measurement[] {
  const warmUntil = performance.now() + Math.min(500, ms / 6);
  let warmRounds = 0;
  while (performance.now() < warmUntil) {
    for (const job of jobs) runBatch(job.work, 1);
    warmRounds++;
  }
  const perRoundMs = Math.min(500, ms / 6) / Math.max(1, warmRounds) / jobs.length;
  const batchRounds = Math.max(1, Math.round(20 / Math.max(perRoundMs, 0.01)));

  const times = jobs.map(() => [] as number[]);
  const started = performance.now();
  while (performance.now() - started < ms) {
    jobs.forEach((job, i) => times[i]!.push(runBatch(job.work, batchRounds)));
  }
  const mb = (rounds: number) => (rounds * bytesPerRound) / 1e6;
  return jobs.map((job, i) => {
    const batches = times[i]!;
    const total = batches.reduce((a, b) => a + b, 0);
    const rates = batches.map((t) => mb(batchRounds) / (t / 1000)).sort((a, b) => a - b);
    return {
      name: job.name,
      rounds: batches.length * batchRounds,
      ms: total,
      meanMbPerS: mb(batches.length * batchRounds) / (total / 1000),
      medianMbPerS: rates[Math.floor(rates.length / 2)]!,
    };
  });
}

const [floorRun, parseRun] = measureInterleaved(
  [
    { name: "decode + split lines (floor)", work: floor },
    { name: "parseDsregcmd", work: parse },
  ],
  budgetMs,
) as [Measurement, Measurement];

const row = (m: Measurement): string[] => [
  m.name,
  String(m.rounds),
  `${(m.ms / 1000).toFixed(2)} s`,
  m.meanMbPerS.toFixed(1),
  m.medianMbPerS.toFixed(1),
  `${(m.medianMbPerS / floorRun.medianMbPerS).toFixed(2)}x`,
];
const rows = [["measurement", "rounds", "time", "mean MB/s", "median MB/s", "vs floor"], row(floorRun), row(parseRun)];
const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
const line = (r: string[]) => r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join("  ");

console.log(`${FIXTURES.length} fixtures, ${(bytesPerRound / 1024).toFixed(1)} KiB per round, node ${process.version}`);
if (sink < 0) console.log(sink); // never true; keeps the results observable
console.log("");
console.log(line(rows[0]!));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows.slice(1)) console.log(line(r));
console.log("");

const pass = parseRun.medianMbPerS >= REQUIRED_MB_PER_S;
console.log(`${pass ? "PASS" : "FAIL"}: parseDsregcmd median ${parseRun.medianMbPerS.toFixed(1)} MB/s (required >= ${REQUIRED_MB_PER_S} MB/s)`);
process.exitCode = pass ? 0 : 1;
