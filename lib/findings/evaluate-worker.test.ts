import { describe, expect, it, vi } from "vitest";
import { makeDeviceSettings, makeDeviceSubject, makeDirectoryObject } from "@/lib/rules/testing/make-directory-object";
import { makeReport } from "@/lib/rules/testing/make-report";
import type { EvaluateReply, EvaluateRequest } from "./evaluate-worker";
import type { RawSubject } from "./raw-subject";

/**
 * The evaluation thread's message handler, run on this thread: node:worker_threads' parentPort is replaced by a port
 * that keeps the handler and the replies (the real thread is started by subject-evaluator.ts, where Stryker's
 * coverage does not reach).
 */
const port = vi.hoisted(() => {
  const handlers = new Map<string, (message: unknown) => void>();
  const replies: unknown[] = [];
  return {
    handlers,
    replies,
    on: (event: string, handler: (message: unknown) => void) => handlers.set(event, handler),
    postMessage: (m: unknown) => replies.push(m),
  };
});
vi.mock("node:worker_threads", () => ({ parentPort: port }));

/** PC-0142, hybrid joined, healthy but for its Entra ID object, which an admin disabled: object-disabled. */
function disabledDevice(report: RawSubject["subject"]["report"]): RawSubject {
  const { report: _parsed, ...subject } = makeDeviceSubject({ directory: makeDirectoryObject({ accountEnabled: false }) });
  return {
    key: "d:6e4cbe68-588b-499c-8c04-dcfff140a1ca",
    deviceId: "6e4cbe68-588b-499c-8c04-dcfff140a1ca",
    objectId: null,
    hostname: "PC-0142",
    subject: { ...subject, report },
  };
}

const reportOf = (parsed: RawSubject["subject"]["report"] extends infer R ? (R extends { parsed: infer P } ? P : never) : never) => ({
  parsed,
  systemParsed: null,
  capturedAt: "2025-03-09T12:30:00.000Z",
  receivedAt: "2025-03-09T12:31:00.000Z",
  hostname: "PC-0142",
  computerDn: "CN=PC-0142,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com",
  objectGuid: null,
  events: [],
});

async function send(request: EvaluateRequest): Promise<EvaluateReply> {
  await import("./evaluate-worker");
  const handler = port.handlers.get("message");
  if (!handler) throw new Error("the worker listens to no message");
  const before = port.replies.length;
  handler(request);
  expect(port.replies.length).toBe(before + 1);
  return port.replies.at(-1) as EvaluateReply;
}

describe("the findings evaluation thread", () => {
  it("answers a batch with its evaluated subjects, under the request's id", async () => {
    const reply = await send({
      id: 7,
      settings: makeDeviceSettings(),
      subjects: [disabledDevice(reportOf({ json: JSON.stringify(makeReport()), text: null }))],
    });
    expect(reply.id).toBe(7);
    if (!("evaluated" in reply)) throw new Error(`evaluation failed: ${reply.error}`);
    expect(reply.evaluated.map((s) => [s.key, s.hostname, s.findings.map((f) => f.rule)])).toEqual([
      ["d:6e4cbe68-588b-499c-8c04-dcfff140a1ca", "PC-0142", ["object-disabled"]],
    ]);
  });

  it("answers a batch it cannot evaluate with the error and its stack, under the request's id", async () => {
    const reply = await send({ id: 8, settings: makeDeviceSettings(), subjects: [disabledDevice(reportOf({ json: null, text: null }))] });
    expect(reply).toEqual({ id: 8, error: expect.stringMatching(/^Error: a latest report holds neither its text nor its parsed JSON\n\s+at /) });
  });
});
