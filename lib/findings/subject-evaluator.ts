import "server-only";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { DeviceRuleSettings } from "@/lib/rules/device-subject";
import { evaluateRawSubjects, type EvaluatedSubject } from "./evaluate-subject";
import type { EvaluateReply, EvaluateRequest } from "./evaluate-worker";
import type { RawSubject } from "./raw-subject";

const EVALUATOR_BOOTSTRAP = `import(require("node:worker_threads").workerData.entry);`;

/** Evaluates batches of subjects, in order: on this thread, or on a thread of its own (`onWorker`). */
export interface SubjectEvaluator {
  evaluate(subjects: RawSubject[], settings: DeviceRuleSettings): Promise<EvaluatedSubject[]>;
  close(): Promise<void>;
}

/** On this thread (a throw becomes the promise's rejection). */
async function evaluateHere(subjects: RawSubject[], settings: DeviceRuleSettings): Promise<EvaluatedSubject[]> {
  return evaluateRawSubjects(subjects, settings);
}

/**
 * Batches the evaluation thread holds (running or queued) before this thread evaluates the next one itself:
 * enough that the thread never waits for work while this one reads, evaluates or writes a batch of its own.
 */
export const WORKER_QUEUE = 6;

/**
 * A large pass evaluates on a second thread: reading a subject's rows and writing its findings' lifecycle stay on
 * this one, parsing its report and running the rules (as much time again as the reads) go to the other, so the
 * two overlap on two cores. Once the thread holds WORKER_QUEUE batches, a batch is evaluated here instead of
 * waiting for it: evaluation is the larger half, and this thread otherwise idled for a third of a 100,000-device
 * pass (bench/RESULTS.md). The results come back in the order the batches were given, wherever they ran.
 * The thread costs ~200 ms to start (tsx compiles the rules the first time; cached after), so a small pass (an
 * upload's, a delta sync's) evaluates where it is.
 */
export function openSubjectEvaluator(onWorker: boolean): SubjectEvaluator {
  if (!onWorker) return { evaluate: evaluateHere, close: async () => undefined };
  // The entry is a file of the project, found from the working directory like the SQLite writer's driver
  // (lib/db/sqlite-writer.ts): the app, the CLI and the tests run from the project's root. It is imported by a
  // one-line evaluated bootstrap, so that the Next.js bundler leaves it (and tsx behind it) alone.
  const worker = new Worker(EVALUATOR_BOOTSTRAP, {
    eval: true,
    workerData: { entry: pathToFileURL(join(process.cwd(), "lib", "findings", "evaluate-worker-entry.mjs")).href },
    execArgv: ["--conditions=react-server"],
    // Its garbage is mostly parsed reports that die young: a larger young generation collects them in fewer
    // scavenges; 96 MB was quicker than the default, 48 and 192 MB (bench/RESULTS.md, "Figures behind choices in the code")).
    resourceLimits: { maxYoungGenerationSizeMb: 96 },
  });
  const waiting = new Map<number, { resolve: (evaluated: EvaluatedSubject[]) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;
  let closing = false;
  const failAll = (error: Error) => {
    failure = error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on("message", (m: EvaluateReply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if ("error" in m) w.reject(new Error(`findings evaluation failed: ${m.error}`));
    else w.resolve(m.evaluated);
  });
  worker.on("error", (error) => closing || failAll(error));
  worker.on("exit", (code) => closing || failAll(new Error(`the findings evaluation thread stopped (exit ${code})`)));
  return {
    evaluate(subjects, settings) {
      if (failure) return Promise.reject(failure);
      if (waiting.size >= WORKER_QUEUE) return evaluateHere(subjects, settings);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        const request: EvaluateRequest = { id, settings, subjects };
        worker.postMessage(request);
      });
    },
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}
