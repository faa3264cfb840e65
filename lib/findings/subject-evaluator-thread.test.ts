import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { makeDeviceSettings } from "@/lib/rules/testing/make-directory-object";
import type { EvaluateReply, EvaluateRequest } from "./evaluate-worker";
import { openSubjectEvaluator } from "./subject-evaluator";

/**
 * What the pass sees when its evaluation thread fails or stops: node:worker_threads' Worker is replaced by one this
 * test drives (its replies, an error, an exit), since the real thread (subject-evaluator.test.ts) never fails on cue.
 */
const threads = vi.hoisted(() => {
  class FakeWorker {
    handlers = new Map<string, (value: unknown) => void>();
    posted: unknown[] = [];
    terminated = false;
    constructor(
      readonly code: string,
      readonly options: Record<string, unknown>,
    ) {
      started.push(this);
    }
    on(event: string, handler: (value: unknown) => void) {
      this.handlers.set(event, handler);
      return this;
    }
    postMessage(message: unknown) {
      this.posted.push(message);
    }
    emit(event: string, value: unknown) {
      this.handlers.get(event)?.(value);
    }
    async terminate() {
      this.terminated = true;
      this.emit("exit", 1);
      return 1;
    }
  }
  const started: FakeWorker[] = [];
  return { FakeWorker, started };
});
vi.mock("node:worker_threads", () => ({ Worker: threads.FakeWorker }));

const settings = makeDeviceSettings();

function open() {
  const evaluator = openSubjectEvaluator(true);
  const worker = threads.started.at(-1)!;
  const request = (i: number) => worker.posted[i] as EvaluateRequest;
  const reply = (message: EvaluateReply) => worker.emit("message", message);
  return { evaluator, worker, request, reply };
}

/** Whether a promise has settled by the time the events already queued have run. */
async function settled(promise: Promise<unknown>): Promise<"resolved" | "rejected" | "pending"> {
  return Promise.race([
    promise.then(
      () => "resolved" as const,
      () => "rejected" as const,
    ),
    new Promise<"pending">((resolve) => setTimeout(() => resolve("pending"), 20)),
  ]);
}

describe("the evaluation thread, as the pass sees it", () => {
  it("starts the thread from the project's entry file, under the server's import conditions, with a 96 MB young generation", () => {
    const { worker } = open();
    expect(worker.code).toBe('import(require("node:worker_threads").workerData.entry);');
    expect(worker.options).toEqual({
      eval: true,
      workerData: { entry: pathToFileURL(join(process.cwd(), "lib", "findings", "evaluate-worker-entry.mjs")).href },
      execArgv: ["--conditions=react-server"],
      resourceLimits: { maxYoungGenerationSizeMb: 96 },
    });
  });

  it("starts no thread for a pass that evaluates where it is", async () => {
    const before = threads.started.length;
    const evaluator = openSubjectEvaluator(false);
    expect(await evaluator.evaluate([], settings)).toEqual([]);
    await evaluator.close();
    expect(threads.started.length).toBe(before);
  });

  it("hands each batch its own reply by id, whatever order they come in, and ignores a reply nobody waits for", async () => {
    const { evaluator, request, reply } = open();
    const first = evaluator.evaluate([], settings);
    const second = evaluator.evaluate([], settings);
    expect([request(0).id, request(1).id]).toEqual([0, 1]);
    expect(request(0).settings).toEqual(settings);
    reply({ id: 1, evaluated: [] });
    reply({ id: 1, evaluated: [] });
    reply({ id: 42, error: "not ours" });
    expect(await settled(first)).toBe("pending");
    expect(await second).toEqual([]);
    reply({ id: 0, error: "Error: boom" });
    await expect(first).rejects.toThrow("findings evaluation failed: Error: boom");
  });

  it("fails every waiting batch, and each later one at once, when the thread fails", async () => {
    const { evaluator, worker, request } = open();
    const waiting = [evaluator.evaluate([], settings), evaluator.evaluate([], settings)];
    const crash = new Error("Worker terminated due to reaching memory limit: JS heap out of memory");
    worker.emit("error", crash);
    for (const p of waiting) await expect(p).rejects.toBe(crash);
    await expect(evaluator.evaluate([], settings)).rejects.toBe(crash);
    expect(worker.posted).toHaveLength(2);
    expect(request(1).id).toBe(1);
  });

  it("fails every waiting batch when the thread stops, naming its exit code", async () => {
    const { evaluator, worker } = open();
    const waiting = evaluator.evaluate([], settings);
    worker.emit("exit", 134);
    await expect(waiting).rejects.toThrow("the findings evaluation thread stopped (exit 134)");
    await expect(evaluator.evaluate([], settings)).rejects.toThrow("the findings evaluation thread stopped (exit 134)");
  });

  it("does not call its own close a failure", async () => {
    const { evaluator, worker } = open();
    const waiting = evaluator.evaluate([], settings);
    await evaluator.close();
    expect(worker.terminated).toBe(true);
    worker.emit("error", new Error("late"));
    expect(await settled(waiting)).toBe("pending");
  });
});
