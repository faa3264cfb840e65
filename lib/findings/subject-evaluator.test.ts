import { describe, expect, it } from "vitest";
import { makeDeviceSettings, makeDeviceSubject, makeDirectoryObject, makeSubjectReport } from "@/lib/rules/testing/make-directory-object";
import { HEALTHY_HYBRID, makeReport } from "@/lib/rules/testing/make-report";
import { evaluateRawSubjects } from "./evaluate-subject";
import type { RawSubject } from "./raw-subject";
import { openSubjectEvaluator, WORKER_QUEUE } from "./subject-evaluator";

/**
 * Batches as a pass reads them: PC-0142 (hybrid joined, its computer account disabled, so dsregcmd says
 * `DeviceAuthStatus : FAILED`), its report body the stored JSON; and a row whose latest report lost both its text and
 * its JSON, which evaluation refuses.
 */
const settings = makeDeviceSettings();

function disabledPc(n: number): RawSubject {
  const subject = makeDeviceSubject({
    report: makeSubjectReport({ parsed: makeReport({ deviceAuthStatus: "FAILED" }), hostname: `PC-${n}` }),
    directory: makeDirectoryObject({ accountEnabled: false }),
  });
  return {
    key: `d:${HEALTHY_HYBRID.deviceId}`,
    deviceId: HEALTHY_HYBRID.deviceId,
    objectId: subject.directory!.objectId,
    hostname: `PC-${n}`,
    subject: { ...subject, report: { ...subject.report!, parsed: { json: JSON.stringify(subject.report!.parsed), text: null }, systemParsed: null } },
  };
}

function brokenRow(): RawSubject {
  const raw = disabledPc(0);
  return { ...raw, subject: { ...raw.subject, report: { ...raw.subject.report!, parsed: { json: null, text: null } } } };
}

describe("openSubjectEvaluator on this thread", () => {
  it("evaluates each batch as evaluateRawSubjects does, and answers a refused batch with a rejection", async () => {
    const evaluator = openSubjectEvaluator(false);
    const batch = [disabledPc(1), disabledPc(2)];
    expect(await evaluator.evaluate(batch, settings)).toEqual(evaluateRawSubjects(batch, settings));
    const refused = evaluator.evaluate([brokenRow()], settings);
    await expect(refused).rejects.toThrow("a latest report holds neither its text nor its parsed JSON");
    await evaluator.close();
  });
});

describe("openSubjectEvaluator on a thread of its own", () => {
  it("answers every batch in the order given; past WORKER_QUEUE batches waiting, the next is evaluated here at once", async () => {
    const evaluator = openSubjectEvaluator(true);
    try {
      const batches = Array.from({ length: WORKER_QUEUE + 2 }, (_, i) => [disabledPc(i)]);
      const settled: number[] = [];
      const results = await Promise.all(batches.map((b, i) => evaluator.evaluate(b, settings).then((r) => (settled.push(i), r))));
      expect(results).toEqual(batches.map((b) => evaluateRawSubjects(b, settings)));
      expect(results.map((r) => r[0]!.hostname)).toEqual(batches.map((_, i) => `PC-${i}`));
      // The two batches past the queue were evaluated on this thread, so they were answered before the thread's six.
      expect(settled).toEqual([6, 7, 0, 1, 2, 3, 4, 5]);
    } finally {
      await evaluator.close();
    }
  });

  it("answers a batch the thread cannot evaluate with its error, and goes on with the next", async () => {
    const evaluator = openSubjectEvaluator(true);
    try {
      const refused = evaluator.evaluate([brokenRow()], settings);
      const next = evaluator.evaluate([disabledPc(1)], settings);
      await expect(refused).rejects.toThrow(/^findings evaluation failed: Error: a latest report holds neither its text nor its parsed JSON\n/);
      expect(await next).toEqual(evaluateRawSubjects([disabledPc(1)], settings));
    } finally {
      await evaluator.close();
    }
  });
});
