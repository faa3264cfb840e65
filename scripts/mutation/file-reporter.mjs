// A Stryker reporter that tells the running script when every mutant of a source file has its result, so
// `npm run test:mutation -- … --record` can record that file's counts at once (scripts/test-mutation.mjs): a run that
// is stopped before the end (a deadline, a machine shared by many) keeps the files it finished, where Stryker itself
// writes its reports and its incremental file only at the end. Loaded by Stryker through `appendPlugins`; the script
// imports the same module and listens.
import { declareValuePlugin, PluginKind } from "@stryker-mutator/api/plugin";

let listener = null;

/** Listens to the mutants of the current run: `planned(fileNames)` once, then `tested(result)` per mutant. */
export function listenToMutants(next) {
  listener = next;
  return () => {
    if (listener === next) listener = null;
  };
}

const reporter = {
  onMutationTestingPlanReady(event) {
    listener?.planned(event.mutantPlans.map((plan) => plan.mutant.fileName));
  },
  onMutantTested(result) {
    listener?.tested(result);
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Reporter, "file-by-file", reporter)];

/**
 * Counts the results per file and hands over each file whose every planned mutant has a result:
 * `onFileDone(file, results)`, in the order the files finish. `fileOf(fileName)` names a file as the record does.
 */
export function fileCompletion(fileOf, onFileDone) {
  const expected = new Map();
  const results = new Map();
  return {
    planned(fileNames) {
      for (const name of fileNames) {
        const file = fileOf(name);
        expected.set(file, (expected.get(file) ?? 0) + 1);
      }
    },
    tested(result) {
      const file = fileOf(result.fileName);
      const list = results.get(file) ?? [];
      list.push(result);
      results.set(file, list);
      if (list.length === expected.get(file)) onFileDone(file, list);
    },
  };
}
