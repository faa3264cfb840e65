import { describe, expect, it } from "vitest";
import type { DeviceSubject, DirectoryChange } from "@/lib/rules/device-subject";
import { objectDisabledRule } from "@/lib/rules/join-rules/object-disabled";
import { DEVICE_NOW, makeDeviceSubject, makeDirectoryObject, makeEntraObject, makeSubjectReport } from "@/lib/rules/testing/make-directory-object";
import { makeJoinRuleInput } from "@/lib/rules/testing/make-join-input";

const DAY_MS = 86_400_000;
const before = (ms: number) => new Date(Date.parse(DEVICE_NOW) - ms).toISOString();
const disabled = (overrides: Parameters<typeof makeDirectoryObject>[0] = {}) => makeDirectoryObject({ accountEnabled: false, ...overrides });
/** The machine of a disabled object that no longer reports, with the object's last sign-in `signedIn` ms ago (90-day threshold). */
const silentMachine = (signedIn: number | null, overrides: Partial<DeviceSubject> = {}) =>
  makeDeviceSubject({
    report: null,
    lastReportAt: null,
    directory: disabled({ approximateLastSignInDateTime: signedIn === null ? null : before(signedIn) }),
    ...overrides,
  });
const evaluate = (subject: DeviceSubject) => objectDisabledRule.evaluate(makeJoinRuleInput(subject, { staleThresholdDays: 90 }));
const change = (kind: string, at: string): DirectoryChange => ({ kind, at, detail: null });

describe("object-disabled: in use or inactive", () => {
  it.each([
    ["signed in exactly 90 days ago", silentMachine(90 * DAY_MS), "high"],
    ["signed in just over 90 days ago", silentMachine(90 * DAY_MS + 1), "info"],
    ["never signed in", silentMachine(null), "info"],
    ["reporting within the threshold, whatever its sign-in", silentMachine(null, { lastReportAt: before(DAY_MS) }), "high"],
    ["with a report, whatever its age", silentMachine(null, { report: makeSubjectReport() }), "high"],
  ])("%s: %s", (_name, subject, severity) => {
    expect(evaluate(subject).map((f) => f.severity)).toEqual([severity]);
  });
});

describe("object-disabled: since when", () => {
  it("names the latest disabling, not an earlier one or another change", () => {
    const history = [
      change("disabled", "2025-01-05T08:00:00.000Z"),
      change("disabled", "2025-03-01T08:00:00.000Z"),
      change("enabled", "2025-03-02T08:00:00.000Z"),
    ];
    const [finding] = evaluate(makeDeviceSubject({ directory: disabled(), history }));
    expect(finding!.title).toBe("Device object disabled since 2025-03-01 08:00 UTC");
    expect(finding!.evidence[1]).toEqual({
      source: "JoinScope directory history · 2025-03-01T08:00:00.000Z",
      field: "disabled",
      value: "accountEnabled = false",
    });
  });

  it("quotes a disabling time that does not parse as stored", () => {
    const [finding] = evaluate(makeDeviceSubject({ directory: disabled(), history: [change("disabled", "last week")] }));
    expect(finding!.title).toBe("Device object disabled since last week");
  });

  it("says no time without a disabling in the history, and leaves out an unknown sync state", () => {
    const [finding] = evaluate(
      makeDeviceSubject({ directory: disabled({ onPremisesSyncEnabled: null }), history: [change("enabled", "2025-03-02T08:00:00.000Z")] }),
    );
    expect(finding!.title).toBe("Device object disabled");
    expect(finding!.evidence.map((e) => e.field)).toEqual(["accountEnabled", "approximateLastSignInDateTime"]);
  });
});

describe("object-disabled: the enable step, with the device's own names", () => {
  const enableStep = (subject: DeviceSubject) => evaluate(subject)[0]!.remediation[1];

  it.each([
    ["the report's host name, short", makeSubjectReport({ hostname: "PC-0142.corp.contoso.com" }), disabled(), "PC-0142"],
    ["the object's name without a report", null, disabled({ displayName: "PC-0150.corp.contoso.com" }), "PC-0150"],
  ])("names the computer by %s", (_name, report, directory, computer) => {
    expect(enableStep(makeDeviceSubject({ report, directory }))).toBe(
      `Enable the computer account in Active Directory (Entra Connect syncs accountEnabled from it; a cloud-side change is overwritten): \`Enable-ADAccount -Identity (Get-ADComputer -Identity '${computer}')\`, then on the Entra Connect server run \`Start-ADSyncSyncCycle -PolicyType Delta\`.`,
    );
  });

  it("leaves the command out when neither names the computer", () => {
    expect(enableStep(makeDeviceSubject({ report: null, directory: disabled({ displayName: null }) }))).toBe(
      "Enable the computer account in Active Directory (Entra Connect syncs accountEnabled from it; a cloud-side change is overwritten), then on the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta`.",
    );
  });

  it.each([
    ["its name", {}, "PC-0177"],
    ["its deviceId without a name", { displayName: null }, "6e4cbe68-588b-499c-8c04-dcfff140a1ca"],
    ["its objectId without either", { displayName: null, deviceId: null }, "a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d"],
  ])("finds a cloud device in the admin center by %s", (_name, overrides, label) => {
    const directory = makeEntraObject({ accountEnabled: false, deviceId: "6e4cbe68-588b-499c-8c04-dcfff140a1ca", ...overrides });
    expect(enableStep(makeDeviceSubject({ report: null, directory }))).toBe(
      `Enable the device in the Entra admin center (Devices › ${label} › Enable), or with Microsoft Graph PowerShell: \`Update-MgDevice -DeviceId a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d -AccountEnabled:$true\` (Update-MgDevice takes the objectId).`,
    );
  });

  it("warns that an Entra joined device's users cannot sign in, whatever the trust type's case", () => {
    const directory = makeEntraObject({ accountEnabled: false, trustType: "AZUREAD" });
    expect(evaluate(makeDeviceSubject({ directory }))[0]!.explanation).toContain("On a Microsoft Entra joined device it is worse");
    expect(evaluate(makeDeviceSubject({ directory: disabled() }))[0]!.explanation).not.toContain("On a Microsoft Entra joined device it is worse");
  });
});
