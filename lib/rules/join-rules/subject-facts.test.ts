import { describe, expect, it } from "vitest";
import {
  certValidityEvidence,
  deviceIdEvidence,
  isStaleObject,
  lastReportMs,
  reportedRecently,
  reportThumbprint,
  thumbprintEvidence,
} from "@/lib/rules/join-rules/subject-facts";
import { DEVICE_NOW, makeDeviceSubject, makeDirectoryObject, makeSubjectReport } from "@/lib/rules/testing/make-directory-object";
import { makeJoinRuleInput } from "@/lib/rules/testing/make-join-input";
import { HEALTHY_HYBRID, makeRegisteredReport, makeReport } from "@/lib/rules/testing/make-report";

const DAY_MS = 86_400_000;
const before = (ms: number) => new Date(Date.parse(DEVICE_NOW) - ms).toISOString();
const DETAILS = "dsregcmd /status · Device Details";
const WORK_ACCOUNT = "dsregcmd /status · Work Account 1";
const { deviceId, thumbprint } = HEALTHY_HYBRID;

describe("the registration's lines, where each join state prints them", () => {
  const joinedWithWorkAccount = makeReport({
    omit: { "Device Details": ["DeviceId", "Thumbprint"] },
    extra: { "Work Account 1": { WorkplaceDeviceId: "11111111-2222-4333-8444-555555555555", WorkplaceThumbprint: "AA" } },
  });
  const registeredWithoutWorkplaceLines = makeRegisteredReport({ omit: { "Work Account 1": ["WorkplaceDeviceId", "WorkplaceThumbprint"] } });

  it.each([
    ["a joined device", makeReport(), { source: DETAILS, field: "DeviceId", value: deviceId }, { source: DETAILS, field: "Thumbprint", value: thumbprint }],
    [
      "a registered device (Work Account section)",
      makeRegisteredReport(),
      { source: WORK_ACCOUNT, field: "WorkplaceDeviceId", value: deviceId },
      { source: WORK_ACCOUNT, field: "WorkplaceThumbprint", value: thumbprint },
    ],
    [
      "a joined device that lost its lines, beside a work account",
      joinedWithWorkAccount,
      { source: DETAILS, field: "DeviceId", value: deviceId },
      { source: DETAILS, field: "Thumbprint", value: thumbprint },
    ],
    [
      "a registered device without its Workplace lines",
      registeredWithoutWorkplaceLines,
      { source: DETAILS, field: "DeviceId", value: deviceId },
      { source: DETAILS, field: "Thumbprint", value: thumbprint },
    ],
  ])("%s", (_name, report, id, print) => {
    expect(deviceIdEvidence(report)).toEqual(id);
    expect(thumbprintEvidence(report)).toEqual(print);
  });

  it("adds the expected thumbprint only when one is given, null included", () => {
    expect(thumbprintEvidence(makeReport(), "AB")).toEqual({ source: DETAILS, field: "Thumbprint", value: thumbprint, expected: "AB" });
    expect(thumbprintEvidence(makeReport(), null)).toEqual({ source: DETAILS, field: "Thumbprint", value: thumbprint, expected: null });
    expect(thumbprintEvidence(makeReport())).not.toHaveProperty("expected");
  });

  it.each([
    ["a joined device", makeReport(), DETAILS, "[ 2024-11-05 08:12:40.000 UTC -- 2034-11-05 08:42:40.000 UTC ]"],
    ["a registered device", makeRegisteredReport(), WORK_ACCOUNT, "[ 2024-11-05 08:12:40.000 UTC -- 2034-11-05 08:42:40.000 UTC ]"],
    ["a report that lost the line", makeReport({ omit: { "Device Details": ["DeviceCertificateValidity"] } }), DETAILS, "2024-11-05T08:12:40.000Z"],
  ])("reads DeviceCertificateValidity of %s", (_name, report, source, value) => {
    expect(certValidityEvidence(report)).toEqual({ source, field: "DeviceCertificateValidity", value });
  });
});

describe("reportThumbprint", () => {
  const system = makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM", thumbprint: "5Y5TEM" });

  it.each([
    ["the user capture's", makeSubjectReport({ systemParsed: system }), thumbprint],
    ["the SYSTEM capture's when the user's has none", makeSubjectReport({ parsed: makeReport({ thumbprint: null }), systemParsed: system }), "5Y5TEM"],
    ["none from either", makeSubjectReport({ parsed: makeReport({ thumbprint: null }) }), null],
    ["none without a report", null, null],
  ])("%s", (_name, report, expected) => {
    expect(reportThumbprint(makeJoinRuleInput(makeDeviceSubject({ report })))).toBe(expected);
  });
});

describe("lastReportMs and reportedRecently", () => {
  it.each([
    ["the later of lastReportAt and the report's receipt", before(DAY_MS), before(2 * DAY_MS), Date.parse(DEVICE_NOW) - DAY_MS],
    ["the later, the other way round", before(2 * DAY_MS), before(DAY_MS), Date.parse(DEVICE_NOW) - DAY_MS],
    ["the receipt alone", null, before(DAY_MS), Date.parse(DEVICE_NOW) - DAY_MS],
    ["lastReportAt alone", before(DAY_MS), null, Date.parse(DEVICE_NOW) - DAY_MS],
  ])("%s", (_name, lastReportAt, receivedAt, expected) => {
    const report = receivedAt === null ? null : makeSubjectReport({ receivedAt });
    expect(lastReportMs(makeJoinRuleInput(makeDeviceSubject({ report, lastReportAt })))).toBe(expected);
  });

  it("is null, and not recent, for a machine that never reported", () => {
    const input = makeJoinRuleInput(makeDeviceSubject({ report: null, lastReportAt: null }));
    expect(lastReportMs(input)).toBeNull();
    expect(reportedRecently(input)).toBe(false);
  });

  it.each([
    [30 * DAY_MS, true],
    [30 * DAY_MS + 1, false],
  ])("counts a report %d ms old as recent: %s (30-day threshold)", (age, expected) => {
    const input = makeJoinRuleInput(makeDeviceSubject({ report: null, lastReportAt: before(age) }), { staleThresholdDays: 30 });
    expect(reportedRecently(input)).toBe(expected);
  });
});

describe("isStaleObject (30-day threshold, no report)", () => {
  const input = makeJoinRuleInput(makeDeviceSubject({ report: null, lastReportAt: null }), { staleThresholdDays: 30 });
  const old = before(31 * DAY_MS);

  it.each([
    ["signed in exactly 30 days ago", { approximateLastSignInDateTime: before(30 * DAY_MS) }, false],
    ["signed in just over 30 days ago", { approximateLastSignInDateTime: before(30 * DAY_MS + 1) }, true],
    ["never signed in, registered exactly 30 days ago", { approximateLastSignInDateTime: null, registrationDateTime: before(30 * DAY_MS) }, false],
    ["never signed in, registered just over 30 days ago", { approximateLastSignInDateTime: null, registrationDateTime: before(30 * DAY_MS + 1) }, true],
    ["never signed in, registration unknown", { approximateLastSignInDateTime: null, registrationDateTime: null }, true],
    ["deleted", { approximateLastSignInDateTime: old, deletedAt: before(DAY_MS), deletedReason: "deleted" as const }, false],
    ["Pending", { approximateLastSignInDateTime: old, isPending: true }, false],
  ])("%s", (_name, overrides, expected) => {
    expect(isStaleObject(makeDirectoryObject(overrides), input)).toBe(expected);
  });

  it("is not stale while the machine reports, whatever its sign-in says", () => {
    const reporting = makeJoinRuleInput(makeDeviceSubject({ report: null, lastReportAt: before(DAY_MS) }), { staleThresholdDays: 30 });
    expect(isStaleObject(makeDirectoryObject({ approximateLastSignInDateTime: old }), reporting)).toBe(false);
  });
});
