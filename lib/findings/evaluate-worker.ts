/**
 * The thread a large findings pass evaluates on (subject-evaluator.ts): it parses each subject's report bodies,
 * runs the rules and serialises and fingerprints the findings, while the pass's own thread reads the next subjects
 * and writes the lifecycle of the previous ones. Started through evaluate-worker-entry.mjs.
 */
import { parentPort } from "node:worker_threads";
import type { DeviceRuleSettings } from "@/lib/rules/device-subject";
import { evaluateRawSubjects, type EvaluatedSubject } from "./evaluate-subject";
import type { RawSubject } from "./raw-subject";

export type EvaluateRequest = { id: number; settings: DeviceRuleSettings; subjects: RawSubject[] };
export type EvaluateReply = { id: number; evaluated: EvaluatedSubject[] } | { id: number; error: string };

const port = parentPort!;
port.on("message", ({ id, settings, subjects }: EvaluateRequest) => {
  let reply: EvaluateReply;
  try {
    reply = { id, evaluated: evaluateRawSubjects(subjects, settings) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
});
