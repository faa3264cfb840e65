import { describe, expect, it } from "vitest";
import { buildRejoinSteps, NEW_OBJECT_WARNING, NEW_OBJECT_WARNING_NO_KEYS } from "@/lib/rules/build-rejoin-steps";
import { buildJoinRejoinSteps, GENERIC_BACKUP_PREFIX } from "@/lib/rules/join-rules/join-rejoin-steps";
import { buildKeyBackupStep } from "@/lib/rules/join-rules/key-backup";
import { makeDirectoryObject, makeEntraObject, makeRegisteredObject } from "@/lib/rules/testing/make-directory-object";
import { makeEntraReport, makeReport } from "@/lib/rules/testing/make-report";

/** Which of build-rejoin-steps.ts' three sequences the steps are. */
function sequence(steps: string[]): string {
  if (steps.some((step) => step.includes("choose Disconnect"))) return "registered";
  if (steps.some((step) => step.includes("`dsregcmd /forcerecovery`"))) return "entra";
  if (steps.some((step) => step.includes("`dsregcmd /leave` from an elevated prompt"))) return "hybrid";
  return "none";
}

describe("buildJoinRejoinSteps for a machine known from the directory alone", () => {
  it.each([
    ["a hybrid joined object that is no longer synced", makeDirectoryObject({ onPremisesSyncEnabled: false }), "hybrid"],
    ["a synced object of any trust type", makeRegisteredObject({ onPremisesSyncEnabled: true }), "hybrid"],
    ["an Entra joined object", makeEntraObject(), "entra"],
    ["a registered object", makeRegisteredObject(), "registered"],
    ["a registered object whose trust type is in capitals", makeRegisteredObject({ trustType: "WORKPLACE" }), "registered"],
    ["an object without a trust type", makeEntraObject({ trustType: null }), "entra"],
    ["no object at all", null, "entra"],
  ])("%s: the %s sequence", (_name, object, expected) => {
    expect(sequence(buildJoinRejoinSteps({ report: null, object }))).toBe(expected);
  });
});

describe("buildJoinRejoinSteps' own steps", () => {
  it("replaces the generic backup step with one that knows the object, and keeps every other step", () => {
    const object = makeEntraObject({ hasBitlockerKeys: true, hasLapsPassword: null, physicalIds: [] });
    const report = makeEntraReport();
    expect(buildJoinRejoinSteps({ report, object })).toEqual([
      buildKeyBackupStep(object),
      ...buildRejoinSteps(report).filter((step) => !step.startsWith(GENERIC_BACKUP_PREFIX)),
    ]);
  });

  it("says only the Intune part of the new-object warning for an object known to hold no keys, and changes no other step", () => {
    const object = makeEntraObject({ hasBitlockerKeys: false, hasLapsPassword: false, physicalIds: [] });
    const report = makeEntraReport();
    const expected = buildRejoinSteps(report)
      .filter((step) => !step.startsWith(GENERIC_BACKUP_PREFIX))
      .map((step) => (step === NEW_OBJECT_WARNING ? NEW_OBJECT_WARNING_NO_KEYS : step));
    expect(buildJoinRejoinSteps({ report, object })).toEqual(expected);
  });

  it("keeps the full warning when only one of the two is known to be absent", () => {
    const report = makeEntraReport();
    for (const object of [
      makeEntraObject({ hasBitlockerKeys: false, hasLapsPassword: null }),
      makeEntraObject({ hasBitlockerKeys: null, hasLapsPassword: false }),
    ]) {
      expect(buildJoinRejoinSteps({ report, object })).toContain(NEW_OBJECT_WARNING);
    }
  });

  it("works for a report without an object", () => {
    const report = makeReport();
    expect(buildJoinRejoinSteps({ report, object: null })).toEqual([
      buildKeyBackupStep(null),
      ...buildRejoinSteps(report).filter((step) => !step.startsWith(GENERIC_BACKUP_PREFIX)),
    ]);
  });
});
