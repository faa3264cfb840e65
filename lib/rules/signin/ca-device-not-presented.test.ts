/**
 * ca-device-not-presented on its own: what it says of the user's machines (joined with a valid PRT, joined with an
 * unknown one, none known), its severity and when it leaves the sign-in to another rule. The helpdesk cases' full
 * findings are in sign-in-findings.test.ts.
 */
import { describe, expect, it } from "vitest";
import { caDeviceNotPresentedRule } from "@/lib/rules/signin/ca-device-not-presented";
import type { SignInRuleId } from "@/lib/rules/signin/sign-in-rule";
import type { SignInMachine } from "@/lib/rules/signin/sign-in-subject";
import { builtMachine, makeSignIn, ruleInput, type SignInChanges } from "@/lib/rules/signin/testing/sign-in-subjects";
import { makeReport, type MakeReportOptions } from "@/lib/rules/testing/make-report";

/** jdoe's Chrome sign-in (chrome-no-extension.json, 53000, no device) from these machines. */
const evaluate = (machines: SignInMachine[], changes: SignInChanges = {}, explainedBy: SignInRuleId[] = []) =>
  caDeviceNotPresentedRule.evaluate(ruleInput({ signIn: makeSignIn(changes), machines }, explainedBy));
const pc = (hostname: string, options: MakeReportOptions = {}, overrides: Partial<SignInMachine> = {}) =>
  builtMachine(hostname, makeReport(options), overrides);
const USABLE = pc("PC-0142");
const NO_LINE = pc("PC-0143", { azureAdPrt: null, prtUpdateTime: null, prtExpiryTime: null });
const NOT_JOINED = pc("PC-0999", { azureAdJoined: false, joinType: "none" });
const CHROME_WHY =
  "Chrome on Windows presents the device only with the Microsoft Single Sign On extension (formerly Windows Accounts) or the CloudAPAuthEnabled policy, and not in an Incognito window unless the extension is allowed there.";

describe("ca-device-not-presented", () => {
  it("stays quiet for a presented device, a sign-in not about the device, or one a missing PRT or join explains", () => {
    expect(evaluate([USABLE])).not.toBeNull();
    expect(evaluate([USABLE], { device: { deviceId: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" } })).toBeNull();
    expect(evaluate([USABLE], { errorCode: 0, conditionalAccessStatus: "success" })).toBeNull();
    expect(evaluate([USABLE], {}, ["ca-device-no-prt"])).toBeNull();
    expect(evaluate([USABLE], {}, ["ca-device-not-joined"])).toBeNull();
    expect(evaluate([USABLE], {}, ["ca-device-not-compliant"])).not.toBeNull();
  });

  it.each<[string, SignInMachine[], "low" | "medium", string]>([
    ["one machine with a valid PRT", [USABLE], "medium", " PC-0142 was joined with a valid PRT at the time, so the device could have been presented."],
    [
      "two, with its report's time",
      [USABLE, pc("PC-0144", {}, { capturedAt: "2025-03-09T12:30:00.000Z" })],
      "medium",
      " PC-0142, PC-0144 (report of 2025-03-09 12:30 UTC) were joined with a valid PRT at the time, so the device could have been presented.",
    ],
    [
      "a report time it cannot format, as written",
      [pc("PC-0144", {}, { capturedAt: "yesterday" })],
      "medium",
      " PC-0144 (report of yesterday) was joined with a valid PRT at the time, so the device could have been presented.",
    ],
    [
      "one whose PRT it cannot tell",
      [NO_LINE],
      "medium",
      " PC-0143 is joined; whether the PRT was valid is unknown (the report of PC-0143 has no AzureAdPrt line).",
    ],
    [
      "one valid, one unknown",
      [USABLE, NO_LINE],
      "medium",
      " PC-0142, PC-0143 are joined; whether the PRT was valid is unknown (the report of PC-0143 has no AzureAdPrt line).",
    ],
    ["only a machine that is not joined", [NOT_JOINED], "medium", ""],
    [
      "no machine",
      [],
      "low",
      " JoinScope has no report of the user's Windows machine around the sign-in to confirm it was joined; if it was, the client is why.",
    ],
  ])("%s", (_, machines, severity, note) => {
    const outcome = evaluate(machines);
    expect(outcome?.finding.severity).toBe(severity);
    expect(outcome?.finding.title).toBe("No device presented: Chrome without the Microsoft Single Sign On extension");
    expect(outcome?.finding.explanation).toBe(
      `The sign-in (Chrome 122.0.0 on Windows10) presented no device, and the policy requires a compliant device or a Microsoft Entra hybrid joined device ("Require compliant or hybrid joined device"), so Conditional Access saw an unregistered device. ${CHROME_WHY}${note}`,
    );
  });

  it("another platform is low and says nothing of the Windows machines", () => {
    const outcome = evaluate([USABLE], { device: { operatingSystem: "Android 14", browser: "Chrome 122.0" } });
    expect(outcome?.finding.severity).toBe("low");
    expect(outcome?.finding.title).toBe("Sign-in from Android: no Windows device involved");
    expect(outcome?.finding.explanation).toMatch(/the Windows device's registration plays no part in it\.$/);
  });

  it("quotes the joined machines' PRT lines and links, each once, and not those of a machine that is not joined", () => {
    const linked = pc("PC-0142", {}, { subjectKey: "d:6e4cbe68-588b-499c-8c04-dcfff140a1ca" });
    const evidence = evaluate([linked, NOT_JOINED, linked])?.finding.evidence.slice(7);
    expect(evidence).toEqual([
      { source: "PC-0142 · dsregcmd /status · SSO State", field: "AzureAdPrt", value: "YES" },
      { source: "PC-0142 · dsregcmd /status · SSO State", field: "AzureAdPrtUpdateTime", value: "2025-03-09 11:00:27.000 UTC" },
      { source: "JoinScope device PC-0142", field: "subjectKey", value: "d:6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
    ]);
  });
});
