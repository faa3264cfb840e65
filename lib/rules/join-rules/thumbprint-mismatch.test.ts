import { describe, expect, it } from "vitest";
import type { DeviceRuleSettings, DeviceSubject, DirectoryChange } from "@/lib/rules/device-subject";
import { thumbprintMismatchRule } from "@/lib/rules/join-rules/thumbprint-mismatch";
import { makeDeviceSubject, makeDirectoryObject, makeSubjectReport } from "@/lib/rules/testing/make-directory-object";
import { makeJoinRuleInput } from "@/lib/rules/testing/make-join-input";
import { CAPTURED_AT, makeReport } from "@/lib/rules/testing/make-report";

const OTHER_THUMBPRINT = "1A2B3C4D5E6F708192A3B4C5D6E7F80910111213";
/** PC-0142 reporting its certificate while the directory object holds another (captured at CAPTURED_AT, 12:30 UTC). */
const mismatched = (overrides: Partial<DeviceSubject> = {}) =>
  makeDeviceSubject({ directory: makeDirectoryObject({ thumbprint: OTHER_THUMBPRINT }), ...overrides });
const severityOf = (subject: DeviceSubject, settings: Partial<DeviceRuleSettings> = {}) =>
  thumbprintMismatchRule.evaluate(makeJoinRuleInput(subject, settings)).map((f) => f.severity);
const rotated = (at: string): DirectoryChange => ({ kind: "cert-rotated", at, detail: null });

describe("thumbprint-mismatch: a certificate rotated after the report", () => {
  it.each([
    ["after the capture: the report is older (info)", [rotated("2025-03-09T12:30:00.001Z")], CAPTURED_AT, "info"],
    ["at the capture itself", [rotated(CAPTURED_AT)], CAPTURED_AT, "critical"],
    ["at a time that does not parse", [rotated("unknown")], CAPTURED_AT, "critical"],
    ["with a capture time that does not parse", [rotated("2025-03-09T13:00:00.000Z")], "unknown", "critical"],
    ["another change after the capture", [{ kind: "disabled", at: "2025-03-09T13:00:00.000Z", detail: null }], CAPTURED_AT, "critical"],
  ])("%s", (_name, history, capturedAt, severity) => {
    expect(severityOf(mismatched({ history, report: makeSubjectReport({ capturedAt }) }))).toEqual([severity]);
  });
});

describe("thumbprint-mismatch: a device that authenticates all the same", () => {
  // The directory was last read at 10:00; the report's PRT was renewed at 11:00:27.
  const settings = { directorySyncedAt: "2025-03-09T10:00:00.000Z" };
  const system = (deviceAuthStatus: "SUCCESS" | "FAILED" | null) =>
    makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM", deviceAuthStatus, azureAdPrt: false });

  it.each([
    ["the user capture's DeviceAuthStatus SUCCESS and a PRT renewed after the directory was read", makeReport(), null, settings, "medium"],
    ["the SYSTEM capture's SUCCESS, the user capture printing FAILED", makeReport({ deviceAuthStatus: "FAILED" }), system("SUCCESS"), settings, "medium"],
    ["FAILED in both captures", makeReport({ deviceAuthStatus: "FAILED" }), system("FAILED"), settings, "critical"],
    ["FAILED, and no SYSTEM capture", makeReport({ deviceAuthStatus: "FAILED" }), null, settings, "critical"],
    ["SUCCESS, but AzureAdPrt NO beside its old times", makeReport({ azureAdPrt: false }), null, settings, "critical"],
    [
      "SUCCESS, with the PRT renewed at the very time the directory was read",
      makeReport(),
      null,
      { directorySyncedAt: "2025-03-09T11:00:27.000Z" },
      "critical",
    ],
  ])("%s", (_name, parsed, systemParsed, overrides, severity) => {
    expect(severityOf(mismatched({ report: makeSubjectReport({ parsed, systemParsed }) }), overrides)).toEqual([severity]);
  });
});
