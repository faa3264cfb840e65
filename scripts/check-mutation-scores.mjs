#!/usr/bin/env node
// `npm run test:mutation:check [-- --budget-minutes N] [--dry-run]`: the mutation scores only go up (issue 26).
//
// For every area recorded in docs/mutation-scores.json, the files whose content differs from the recorded one (and
// new files) are mutation-tested again, their new counts are combined with the recorded counts of the other files,
// and the check fails when an area's score falls below its recorded score. Changed test files alone re-run nothing:
// a test that was weakened or deleted shows in the next full `npm run test:mutation -- AREA --record`.
//
// An area recorded file by file (`npm run test:mutation -- --files a.ts,b.ts --record`) lists in `unrecorded` the files
// that have no counts yet: they are neither re-run nor counted until recorded.
//
// The run time is estimated from each area's recorded seconds per mutant. Beyond the budget (default 20 minutes,
// JOINSCOPE_MUTATION_BUDGET_MINUTES) the check runs nothing and says so, so CI (90 minutes, the rest ~20) cannot time
// out on a large change: run it locally then, or record the areas again.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AREAS, sourceFiles } from "./mutation/areas.mjs";
import { blobSha, combinedScore, readBaseline, testedMutants } from "./mutation/baseline.mjs";

const repositoryRoot = join(import.meta.dirname, "..");

function parseArgs(argv) {
  const args = { budgetMinutes: Number(process.env.JOINSCOPE_MUTATION_BUDGET_MINUTES ?? 20), dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--budget-minutes") args.budgetMinutes = Number(argv[++i]);
    else if (argv[i] === "--dry-run") args.dryRun = true;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (!Number.isFinite(args.budgetMinutes) || args.budgetMinutes < 0) throw new Error("--budget-minutes takes a number of minutes");
  return args;
}

/**
 * The mutants a changed file will have tested: as many as recorded for it (the ignored ones, static or marked
 * equivalent, are never run), else one per 50 characters (about lib/rules' ratio).
 */
function estimatedMutants(entry, file, root) {
  const c = entry.files[file];
  if (c) return testedMutants(c);
  return Math.ceil(readFileSync(join(root, file), "utf8").length / 50);
}

/** Per recorded area: the files that changed since recording, and what re-running them should cost. */
export function changedFiles(baseline, root = repositoryRoot) {
  const plan = [];
  for (const [area, entry] of Object.entries(baseline.areas)) {
    if (!(area in AREAS)) continue;
    // Files of an area recorded file by file that have no counts yet are left out, as the recorded score leaves them out.
    const unrecorded = new Set(entry.unrecorded ?? []);
    const current = sourceFiles(area, root).filter((file) => !unrecorded.has(file));
    const changed = current.filter((file) => entry.files[file]?.sha !== blobSha(join(root, file)));
    const removed = Object.keys(entry.files).filter((file) => !current.includes(file));
    if (changed.length === 0 && removed.length === 0) continue;
    // Stryker's start-up (sandbox, TypeScript checker, the area's dry run) is about a minute and a half here.
    const seconds = 90 + changed.reduce((sum, file) => sum + estimatedMutants(entry, file, root) * entry.secondsPerMutant, 0);
    plan.push({ area, entry, current, changed, removed, seconds });
  }
  return plan;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const baseline = readBaseline(repositoryRoot);
  const plan = changedFiles(baseline);
  if (plan.length === 0) {
    console.log("mutation check: no mutated file changed since the scores were recorded (docs/mutation-scores.json)");
    return 0;
  }
  const minutes = Math.ceil(plan.reduce((sum, p) => sum + p.seconds, 0) / 60);
  for (const p of plan) {
    console.log(
      `mutation check: lib/${p.area}: ${p.changed.length} changed file(s)${p.removed.length ? `, ${p.removed.length} removed` : ""}: ${[...p.changed, ...p.removed.map((f) => `${f} (removed)`)].join(", ")}`,
    );
  }
  if (minutes > args.budgetMinutes) {
    console.log(
      `mutation check: NOT RUN: about ${minutes} min of mutation testing, over the budget of ${args.budgetMinutes} min. ` +
        "Run `npm run test:mutation:check -- --budget-minutes 600` locally, or record the files above again: " +
        plan
          .filter((p) => p.changed.length > 0)
          .map((p) => `npm run test:mutation -- ${p.area} --record --files ${p.changed.join(",")}`)
          .join("; "),
    );
    return 0;
  }
  console.log(`mutation check: about ${minutes} min`);
  if (args.dryRun) return 0;

  const { runMutation } = await import("./test-mutation.mjs");
  let failed = false;
  for (const p of plan) {
    let fresh = {};
    if (p.changed.length > 0) {
      const [summary] = await runMutation({ areas: [p.area], files: p.changed });
      fresh = summary.files;
    }
    const now = combinedScore(p.entry, fresh, p.current);
    const verdict = now.score === null || p.entry.score === null || now.score >= p.entry.score ? "ok" : "FAILED";
    if (verdict === "FAILED") failed = true;
    console.log(`mutation check: lib/${p.area}: ${now.score?.toFixed(2) ?? "n/a"}% now, ${p.entry.score?.toFixed(2) ?? "n/a"}% recorded: ${verdict}`);
    if (verdict === "FAILED") {
      const survivors = Object.entries(fresh).filter(([, c]) => c.survived + c.noCoverage > 0);
      for (const [file, c] of survivors)
        console.log(`  ${file}: ${c.survived} survived, ${c.noCoverage} not covered (reports/mutation/${p.area}/mutation-files.json)`);
    }
  }
  if (failed) {
    console.log(
      "mutation check: a score went down. Kill the survivors with tests (docs/testing.md), or mark a mutant that cannot be killed as equivalent, with its reason.",
    );
    return 1;
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main();
}
