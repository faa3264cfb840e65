import { describe, expect, it } from "vitest";
import type { DeviceSubject, DeviceSubjectReport } from "@/lib/rules/device-subject";
import { outOfSyncScopeRule } from "@/lib/rules/join-rules/out-of-sync-scope";
import { DEVICE_NOW, makeDeviceSubject, makeSubjectReport } from "@/lib/rules/testing/make-directory-object";
import { makeJoinRuleInput } from "@/lib/rules/testing/make-join-input";
import { makeEntraReport } from "@/lib/rules/testing/make-report";

const HOUR_MS = 3_600_000;
const STAGING = "CN=PC-0142,OU=Staging,OU=Corp,DC=corp,DC=contoso,DC=com";
/** PC-0142 reporting a DN under no synced container of Contoso's scope (agent every 240 minutes: fresh for 12 hours). */
const outOfScope = (report: Partial<DeviceSubjectReport> = {}, overrides: Partial<DeviceSubject> = {}) =>
  makeDeviceSubject({ report: makeSubjectReport({ computerDn: STAGING, ...report }), ...overrides });
const evaluate = (subject: DeviceSubject) => outOfSyncScopeRule.evaluate(makeJoinRuleInput(subject, { agentIntervalMinutes: 240 }));
const capturedBefore = (ms: number) => new Date(Date.parse(DEVICE_NOW) - ms).toISOString();

describe("out-of-sync-scope: a DN fresh enough to act on", () => {
  it.each([
    ["captured exactly 3 agent intervals ago", capturedBefore(12 * HOUR_MS), 1],
    ["captured just over 3 agent intervals ago", capturedBefore(12 * HOUR_MS + 1), 0],
    ["captured at a time that does not parse", "unknown", 0],
  ])("%s", (_name, capturedAt, count) => {
    expect(evaluate(outOfScope({ capturedAt }))).toHaveLength(count);
  });

  it("says nothing for a computer that is not domain joined", () => {
    expect(evaluate(outOfScope({ parsed: makeEntraReport(), hostname: "PC-0177" }))).toEqual([]);
  });
});

describe("out-of-sync-scope: the admin's commands", () => {
  it("names the computer by its short host name", () => {
    const [finding] = evaluate(outOfScope({ hostname: "PC-0142.corp.contoso.com" }));
    expect(finding!.remediation[0]).toBe(
      "Confirm the DN in Active Directory (`Get-ADComputer PC-0142`): the agent reads it from the Group Policy state, which updates at the machine's Group Policy refresh. If the computer was moved out on purpose (retired), nothing else is needed.",
    );
  });

  it("names no synced container when the forest's includes share nothing with the DN", () => {
    const subject = outOfScope({ computerDn: "CN=PC-0142,OU=Staging,DC=corp,DC=contoso,DC=com" });
    const input = makeJoinRuleInput(subject, {
      agentIntervalMinutes: 240,
      syncScope: { forests: [{ name: "corp.contoso.com", include: ["OU=Workstations,DC=fabrikam,DC=net"], exclude: [] }] },
    });
    const [finding] = outOfSyncScopeRule.evaluate(input);
    expect(finding!.evidence).toContainEqual({
      source: "JoinScope sync scope · forest corp.contoso.com",
      field: "synced containers",
      value: "none matching this DN",
    });
    expect(finding!.remediation).toContain(
      "Move the computer object back to a synced OU, or add its OU to Entra Connect's domain and OU filtering (Connect wizard › Customize synchronization options › Domain and OU filtering).",
    );
    expect(finding!.explanation).toContain("it is under no synced container of forest corp.contoso.com. ");
  });
});
