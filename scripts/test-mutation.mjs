#!/usr/bin/env node
// `npm run test:mutation [-- AREA…] [--files a.ts,b.ts] [--force]`: StrykerJS on one area of lib/ at a time
// (scripts/mutation/areas.mjs), with its Vitest runner and TypeScript checker, one test process (the machine's two
// cores are shared). No AREA runs every area, one after another.
//
// Incremental: each area keeps Stryker's incremental file in reports/mutation/AREA/ (out of git), so a re-run only
// tests the mutants of files or tests that changed since; --force re-tests everything. The HTML report, Stryker's
// JSON report and summary.json (per-file counts, score, run time) land in the same folder.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { AREAS, areaName, mutatePatterns } from "./mutation/areas.mjs";
import { scoreOf } from "./mutation/scores.mjs";

const root = join(import.meta.dirname, "..");
process.chdir(root);

function parseArgs(argv) {
  const args = { areas: [], files: null, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--force") args.force = true;
    else if (a === "--files") args.files = argv[++i].split(",").filter(Boolean);
    else if (a.startsWith("--files=")) args.files = a.slice("--files=".length).split(",").filter(Boolean);
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else args.areas.push(areaName(a));
  }
  if (args.areas.length === 0) args.areas = Object.keys(AREAS);
  return args;
}

/**
 * The simulator's CA must be trusted when the test process starts (Node reads NODE_EXTRA_CA_CERTS only then), and
 * Stryker's test runner process inherits this one's environment: vitest.config.ts does the same for its workers.
 */
function trustSimulatorCa() {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", 'const { ensureSimulatorCertificates } = await import("./lib/simulator/certificates.ts"); console.log((await ensureSimulatorCertificates()).caPath);'],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`could not prepare the simulator's certificates: ${r.stderr}`);
  process.env.NODE_EXTRA_CA_CERTS = r.stdout.trim();
}

/** Per-file counts in Stryker's terms; `undetected` is survived + no coverage, which is what the score counts. */
function summarise(area, results, seconds) {
  const files = {};
  for (const m of results) {
    const file = relative(root, m.fileName).split("\\").join("/");
    const f = (files[file] ??= { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 });
    if (m.status === "Killed") f.killed++;
    else if (m.status === "Timeout") f.timeout++;
    else if (m.status === "Survived") f.survived++;
    else if (m.status === "NoCoverage") f.noCoverage++;
    else if (m.status === "Ignored") f.ignored++;
    else f.errors++; // CompileError (the TypeScript checker refused it) and RuntimeError count for nothing
  }
  const survivors = results
    .filter((m) => m.status === "Survived" || m.status === "NoCoverage")
    .map((m) => ({
      file: relative(root, m.fileName).split("\\").join("/"),
      line: m.location.start.line,
      mutator: m.mutatorName,
      replacement: m.replacement,
      status: m.status,
    }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { area, seconds, ...scoreOf(Object.values(files)), files, survivors };
}

/** The test files an area's patterns name: exact paths, and `DIR/**/*.test.ts` (the only two forms areas.mjs uses). */
function expandTestFiles(patterns) {
  const found = [];
  for (const pattern of patterns) {
    const m = /^(.*)\/\*\*\/\*\.test\.ts$/.exec(pattern);
    if (!m) {
      if (existsSync(pattern)) found.push(pattern);
      continue;
    }
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".test.ts")) found.push(path);
      }
    };
    if (existsSync(m[1])) walk(m[1]);
  }
  return found;
}

/**
 * Stryker's Vitest runner silently drops a test file that fails to load in its sandbox (an import that is missing
 * there): its tests are simply absent, and the score looks worse for no visible reason. Refuse such a run.
 */
function assertEveryTestFileRan(area, reportFile) {
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  const ran = new Set(Object.entries(report.testFiles ?? {}).filter(([, f]) => f.tests.length > 0).map(([name]) => name.split("\\").join("/")));
  const missing = expandTestFiles(AREAS[area].testFiles).filter((f) => !ran.has(f));
  if (missing.length > 0) throw new Error(`lib/${area}: no test of ${missing.join(", ")} ran under Stryker (did the file fail to load in the sandbox?)`);
}

async function runArea(area, { files, force }) {
  // Imported here so `--help`-like failures above need no Stryker.
  const { Stryker } = await import("@stryker-mutator/core");
  const dir = join("reports", "mutation", area);
  mkdirSync(dir, { recursive: true });
  const options = {
    testRunner: "vitest",
    vitest: { configFile: "vitest.config.ts", related: false },
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    coverageAnalysis: "perTest",
    concurrency: 1,
    mutate: files ?? mutatePatterns(area),
    testFiles: AREAS[area].testFiles,
    // A run restricted to some files (the CI check) must not overwrite the area's full incremental record.
    incremental: !files,
    incrementalFile: join(dir, "stryker-incremental.json"),
    force,
    reporters: files ? ["json", "progress"] : ["html", "json", "progress"],
    htmlReporter: { fileName: join(dir, "index.html") },
    jsonReporter: { fileName: join(dir, files ? "mutation-files.json" : "mutation.json") },
    thresholds: { high: 90, low: 80, break: null },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    // What the sandbox copy leaves out: build output, local databases and keys, test and bench output. Anchored with
    // a leading slash: these are .gitignore patterns, and a bare "reports" would also drop lib/reports.
    ignorePatterns: ["/.next", "/data", "/test-results", "/playwright-report", "/bench/out", "/reports", "/docs/screenshots", "*.tsbuildinfo"],
    // Integration tests hash passwords at 128 MiB scrypt and copy databases: a slow machine must not turn that into timeouts.
    timeoutMS: 20_000,
    timeoutFactor: 2,
    logLevel: "info",
    fileLogLevel: "off",
  };
  const started = Date.now();
  const results = await new Stryker(options).runMutationTest();
  const seconds = Math.round((Date.now() - started) / 1000);
  if (!files) assertEveryTestFileRan(area, options.jsonReporter.fileName);
  const summary = summarise(area, results, seconds);
  writeFileSync(join(dir, files ? "summary-files.json" : "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

export async function runMutation(argv) {
  const args = parseArgs(argv);
  trustSimulatorCa();
  const summaries = [];
  for (const area of args.areas) {
    const files = args.files?.filter((f) => f.startsWith(`lib/${area}/`)) ?? null;
    if (files && files.length === 0) continue;
    console.log(`\n=== mutation: lib/${area}${files ? ` (${files.join(", ")})` : ""} ===`);
    summaries.push(await runArea(area, { files, force: args.force }));
  }
  console.log("");
  for (const s of summaries) {
    const pct = s.score === null ? "n/a" : `${s.score.toFixed(2)}%`;
    console.log(`lib/${s.area}: ${pct} (${s.detected} detected, ${s.undetected} undetected, ${s.ignored} ignored) in ${s.seconds} s — reports/mutation/${s.area}/`);
  }
  return summaries;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runMutation(process.argv.slice(2));
}
