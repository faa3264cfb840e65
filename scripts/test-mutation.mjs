#!/usr/bin/env node
// `npm run test:mutation [-- AREA…] [--record] [--force] [--files a.ts,b.ts [--tests t.test.ts,…]] [--concurrency N]
// [--whole-project-checker]`: StrykerJS on one area of lib/ at a time (scripts/mutation/areas.mjs), with its Vitest
// runner, our TypeScript checker (scripts/mutation/shape-checker.mjs; Stryker's own over tsconfig.json with
// --whole-project-checker) and one test process (the machine's two cores are shared). No AREA runs every area, one
// after another.
//
// Incremental: each area keeps Stryker's incremental file in reports/mutation/AREA/ (out of git), so a re-run only
// tests the mutants of files and tests that changed since; --force re-tests everything. The HTML report, Stryker's
// JSON report and summary.json (per-file counts, survivors, run time) land in the same folder. --record writes the
// area's score into docs/mutation-scores.json and docs/testing.md (what the CI check compares with). --files runs
// only the named files of their areas, without touching the incremental record (the CI check uses it); with --record
// it records those files' counts into their area's entry, so an area too slow for one sitting is recorded file by file
// (the entry lists the files not recorded yet, and the table says "n of m files").
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { AREAS, areaName, sourceFiles, testFiles } from "./mutation/areas.mjs";
import { blobSha, recordArea, testedMutants } from "./mutation/baseline.mjs";
import { scoreOf } from "./mutation/scores.mjs";
import { fileCompletion, listenToMutants } from "./mutation/file-reporter.mjs";
import { simulatorCaPath } from "./mutation/simulator-ca.mjs";

const root = join(import.meta.dirname, "..");

function parseArgs(argv) {
  const args = {
    areas: [],
    files: null,
    tests: null,
    force: false,
    record: false,
    wholeProjectChecker: false,
    concurrency: concurrencyFrom(process.env.JOINSCOPE_MUTATION_CONCURRENCY ?? "1"),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--force") args.force = true;
    else if (a === "--record") args.record = true;
    else if (a === "--concurrency") args.concurrency = concurrencyFrom(argv[++i]);
    else if (a === "--tests") args.tests = (argv[++i] ?? "").split(",").filter(Boolean);
    else if (a === "--files") args.files = (argv[++i] ?? "").split(",").filter(Boolean);
    else if (a.startsWith("--files=")) args.files = a.slice("--files=".length).split(",").filter(Boolean);
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else args.areas.push(areaName(a));
  }
  if (args.tests && !args.files) throw new Error("--tests narrows a --files run only: a whole area runs all its tests");
  if (args.areas.length === 0) args.areas = Object.keys(AREAS);
  return args;
}

/** Test processes Stryker runs at once: 1 by default (the machine is shared); 2 under `nice -n 19` on an idle core. */
function concurrencyFrom(value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`--concurrency takes a whole number from 1 to 8, not "${value}"`);
  return n;
}

const testFilesOf = (area, tests) => tests ?? AREAS[area].testFiles;

const toPosix = (path) => path.split("\\").join("/");

/** Per-file counts in Stryker's terms; `undetected` is survived + no coverage, which is what the score counts. */
function summarise(area, files, results, seconds) {
  const counts = Object.fromEntries(files.map((f) => [f, { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0 }]));
  let errors = 0;
  for (const m of results) {
    const f = (counts[toPosix(relative(root, m.fileName))] ??= { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0 });
    if (m.status === "Killed") f.killed++;
    else if (m.status === "Timeout") f.timeout++;
    else if (m.status === "Survived") f.survived++;
    else if (m.status === "NoCoverage") f.noCoverage++;
    else if (m.status === "Ignored") f.ignored++;
    else errors++; // CompileError (the TypeScript checker refused it) and RuntimeError count for nothing
  }
  const survivors = results
    .filter((m) => m.status === "Survived" || m.status === "NoCoverage")
    .map((m) => ({
      file: toPosix(relative(root, m.fileName)),
      line: m.location.start.line,
      mutator: m.mutatorName,
      replacement: m.replacement,
      status: m.status,
    }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { area, seconds, ...scoreOf(Object.values(counts)), errors, files: counts, survivors };
}

/**
 * Stryker's Vitest runner silently drops a test file that fails to load in its sandbox (an import missing there):
 * its tests are simply absent and the score drops for no visible reason. Refuse such a run.
 */
function assertEveryTestFileRan(reportFile, tests) {
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  const ran = new Set(
    Object.entries(report.testFiles ?? {})
      .filter(([, f]) => f.tests.length > 0)
      .map(([name]) => toPosix(name)),
  );
  const missing = tests.filter((f) => !ran.has(f));
  if (missing.length > 0) throw new Error(`no test of ${missing.join(", ")} ran under Stryker (did the file fail to load in the sandbox?)`);
}

async function runArea(area, { files, tests = null, force, concurrency = 1, record = false, wholeProjectChecker = false }) {
  const { Stryker } = await import("@stryker-mutator/core");
  const dir = join("reports", "mutation", area);
  mkdirSync(join(root, dir), { recursive: true });
  const partial = files !== null;
  const mutate = partial ? files : sourceFiles(area, root);
  // The area's test files as the sandbox copies them now: a test written while the run goes on is not in it.
  const testsAtStart = tests ?? testFiles(area, root);
  const incrementalFile = join(dir, "stryker-incremental.json");
  const options = {
    testRunner: "vitest",
    // `related` off: the test files are chosen per area below, and per mutant by coverage.
    vitest: { configFile: "vitest.config.ts", related: false },
    // Our checker gives each mutant the verdict of Stryker's TypeScript checker over tsconfig.json for ~1/50 of its CPU
    // (scripts/mutation/shape-checker.mjs; docs/testing.md, "What a mutant costs"). --whole-project-checker runs
    // Stryker's own, to compare the two.
    checkers: [wholeProjectChecker ? "typescript" : "typescript-shape"],
    tsconfigFile: "tsconfig.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    coverageAnalysis: "perTest",
    // Static mutants (code run once, at import: module constants, zod schemas) are never activated by Stryker 9.6's
    // Vitest runner with Vitest 4.1 here: `MAX_TEXT_BYTES = 4 * 1024 / 1024` (4 bytes) in report-text-codec.ts
    // survived its own test, which decodes kilobytes and throws at once with that limit when run by hand. They were
    // "survivors" no test could kill, and took ~80% of a run's time (all of an area's tests per mutant). Stryker
    // reports them as Ignored; docs/testing.md says so.
    ignoreStatic: true,
    concurrency,
    mutate,
    testFiles: tests ?? AREAS[area].testFiles,
    // A run of some files only (the CI check) must not overwrite the area's incremental record.
    incremental: !partial,
    incrementalFile,
    force,
    reporters: [...(partial ? ["json", "progress"] : ["html", "json", "progress"]), ...(record ? ["file-by-file"] : [])],
    appendPlugins: [
      ...(wholeProjectChecker ? [] : [join(root, "scripts/mutation/shape-checker.mjs")]),
      ...(record ? [join(root, "scripts/mutation/file-reporter.mjs")] : []),
    ],
    htmlReporter: { fileName: join(dir, "index.html") },
    jsonReporter: { fileName: join(dir, partial ? "mutation-files.json" : "mutation.json") },
    thresholds: { high: 90, low: 80, break: null },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    // What the sandbox copy leaves out: build output, local databases and keys, test and bench output. Anchored with
    // a leading slash: these are .gitignore patterns, and a bare "reports" would also drop lib/reports. The simulator's
    // certificates are kept: the sandbox's tests must use the CA that NODE_EXTRA_CA_CERTS names.
    ignorePatterns: [
      "/.next",
      "/data/*",
      "!/data/simulator",
      "/test-results",
      "/playwright-report",
      "/bench/out",
      "/reports",
      "/docs/screenshots",
      "*.tsbuildinfo",
    ],
    // Integration tests hash passwords and copy databases: a loaded machine must not turn that into timeouts. Unit
    // tests keep Stryker's default, so a mutant that loops forever costs seconds, not tens of them.
    timeoutMS: testFilesOf(area, tests).some((f) => f.startsWith("tests/integration/")) ? 20_000 : 5_000,
    timeoutFactor: 2,
    // The initial run of the area's tests (with per-test coverage) took over Stryker's default 5 minutes on a machine
    // shared by many processes, which ends the whole run: give it room, the mutants keep their own timeouts above.
    dryRunTimeoutMinutes: 30,
    logLevel: "info",
    fileLogLevel: "off",
  };
  const fullRun = !partial && (force || !existsSync(join(root, incrementalFile)));
  const shas = Object.fromEntries(mutate.map((file) => [file, blobSha(join(root, file))]));
  const started = Date.now();
  // --record: each file is recorded as soon as its last mutant has a result (scripts/mutation/file-reporter.mjs), so
  // a run stopped before its end keeps the files it finished. A whole-area run records the area again at its end.
  const recorded = new Set();
  let lastRecordAt = started;
  let recordedMutants = 0;
  const recordFiles = (counts) => {
    const now = Date.now();
    recordedMutants += Object.values(counts).reduce((n, c) => n + testedMutants(c), 0);
    const secondsPerMutant = Math.round((100 * (now - started)) / 1000 / Math.max(1, recordedMutants)) / 100;
    recordArea(
      root,
      { area, seconds: Math.round((now - lastRecordAt) / 1000), secondsPerMutant, files: counts },
      { fullRun: false, shas, onlyFiles: true, areaFiles: sourceFiles(area, root) },
    );
    lastRecordAt = now;
    for (const file of Object.keys(counts)) recorded.add(file);
  };
  const stopListening = record
    ? listenToMutants(
        fileCompletion(
          (name) => toPosix(relative(root, name)),
          (file, fileResults) => {
            if (!(file in shas)) return;
            const done = summarise(area, [file], fileResults, 0);
            recordFiles({ [file]: done.files[file] });
            console.log(`\nmutation: recorded ${file} (${recorded.size} of ${mutate.length} files of this run): ${JSON.stringify(done.files[file])}`);
            for (const m of done.survivors) console.log(`  ${m.status} ${m.file}:${m.line} ${m.mutator} ${JSON.stringify(m.replacement)}`);
          },
        ),
      )
    : () => {};
  const previousCwd = process.cwd();
  process.chdir(root);
  let results;
  try {
    results = await new Stryker(options).runMutationTest();
  } finally {
    process.chdir(previousCwd);
    stopListening();
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  // Also for --files: a recorded or checked score must not come from a run that silently lost a test file.
  try {
    assertEveryTestFileRan(join(root, options.jsonReporter.fileName), testsAtStart);
  } catch (error) {
    if (recorded.size > 0) console.error(`mutation: ${recorded.size} file(s) were recorded during this run: discard them (git checkout docs/)`);
    throw error;
  }
  const summary = { ...summarise(area, mutate, results, seconds), fullRun, shas };
  // A file with no mutant at all was never "done": record it with the rest of this run's files at the end.
  const rest = Object.fromEntries(Object.entries(summary.files).filter(([file]) => !recorded.has(file)));
  if (record && partial && Object.keys(rest).length > 0) recordFiles(rest);
  writeFileSync(join(root, dir, partial ? "summary-files.json" : "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** Runs the areas one after another; returns their summaries. `files` limits each area to those of its files. */
export async function runMutation({ areas, files = null, tests = null, force = false, record = false, concurrency = 1, wholeProjectChecker = false }) {
  process.env.NODE_EXTRA_CA_CERTS = simulatorCaPath(root);
  const summaries = [];
  for (const area of areas) {
    const mine = files?.filter((f) => f.startsWith(`lib/${area}/`)) ?? null;
    const notMutated = mine?.filter((f) => !sourceFiles(area, root).includes(f)) ?? [];
    if (notMutated.length > 0) throw new Error(`not mutated in lib/${area} (scripts/mutation/areas.mjs): ${notMutated.join(", ")}`);
    if (mine && mine.length === 0) continue;
    console.log(`\n=== mutation: lib/${area}${mine ? ` (${mine.join(", ")})` : ""} ===`);
    // --tests: only those of the area's test files (a lower bound of the score: fewer tests kill fewer mutants).
    const myTests = tests?.filter((t) => testFiles(area, root).includes(t)) ?? null;
    if (tests && myTests.length === 0) throw new Error(`--tests names none of lib/${area}'s test files (scripts/mutation/areas.mjs)`);
    const summary = await runArea(area, { files: mine, tests: myTests, force, concurrency, record, wholeProjectChecker });
    // A --files run's files were recorded one by one as they finished (runArea); a whole area is recorded as one run.
    if (record && mine === null) recordArea(root, summary, { fullRun: summary.fullRun, shas: summary.shas });
    summaries.push(summary);
  }
  console.log("");
  for (const s of summaries) {
    const pct = s.score === null ? "n/a" : `${s.score.toFixed(2)}%`;
    console.log(
      `lib/${s.area}${s.fullRun ? "" : files ? " (some files)" : " (incremental)"}: ${pct} (${s.detected} killed, ${s.undetected} survived or not covered, ${s.ignored} ignored) in ${s.seconds} s — reports/mutation/${s.area}/index.html${record ? ", recorded" : ""}`,
    );
  }
  return summaries;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runMutation(parseArgs(process.argv.slice(2)));
}
