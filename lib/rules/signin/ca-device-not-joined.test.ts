/**
 * ca-device-not-joined on its own (the input evaluateSignIn gives it): when a join type fails the policy, which
 * trust type and machine it names, and when it leaves the sign-in to another rule. The helpdesk cases' full findings
 * are in sign-in-findings.test.ts.
 */
import { describe, expect, it } from "vitest";
import { caDeviceNotJoinedRule } from "@/lib/rules/signin/ca-device-not-joined";
import type { SignInRuleId } from "@/lib/rules/signin/sign-in-rule";
import type { SignInMachine, SignInPolicy, SignInSubject } from "@/lib/rules/signin/sign-in-subject";
import { builtMachine, makeSignIn, policy, ruleInput, signIn, SUBJECTS, type SignInChanges } from "@/lib/rules/signin/testing/sign-in-subjects";
import { makeRegisteredObject } from "@/lib/rules/testing/make-directory-object";
import { makeEntraReport, makeRegisteredReport, makeReport, type MakeReportOptions } from "@/lib/rules/testing/make-report";

const evaluate = (subject: SignInSubject, explainedBy: SignInRuleId[] = []) => caDeviceNotJoinedRule.evaluate(ruleInput(subject, explainedBy));
/** The registered DESKTOP-7H2K9QD presented against "require hybrid joined device" (53001), changed. */
const presented = (changes: SignInChanges = {}) => makeSignIn(changes, "edge-registered-needs-hybrid.json");
const EITHER = policy("Require compliant or hybrid joined device", ["RequireCompliantDevice", "RequireDomainJoinedDevice"]);
const machineWith = (options: MakeReportOptions, hostname = "PC-0142"): SignInMachine => builtMachine(hostname, makeReport(options));
const HYBRID = machineWith({});
const ENTRA = builtMachine("PC-0177", makeEntraReport());
const REGISTERED = builtMachine("PC-01", makeRegisteredReport());
const WORKGROUP = machineWith({ joinType: "none", azureAdJoined: false, domainJoined: false, workplaceJoined: false }, "PC-0999");

describe("ca-device-not-joined, a presented device", () => {
  it("stays quiet when another rule explained the sign-in, or for a sign-in that is not about the device", () => {
    expect(evaluate(SUBJECTS.registeredNeedsHybrid())).not.toBeNull();
    expect(evaluate(SUBJECTS.registeredNeedsHybrid(), ["ca-device-object-gone"])).toBeNull();
    expect(evaluate(SUBJECTS.registeredNeedsHybrid(), ["ca-device-object-mismatch"])).toBeNull();
    expect(evaluate(SUBJECTS.registeredNeedsHybrid(), ["ca-device-no-prt"])).not.toBeNull();
    expect(evaluate({ signIn: signIn("edge-success.json"), machines: [] })).toBeNull();
    expect(evaluate({ signIn: presented({ errorCode: 53003, policies: [policy("MFA", ["Mfa"])] }), machines: [] })).toBeNull();
  });

  it("leaves a compliant-device requirement alone: not a join problem", () => {
    expect(evaluate(SUBJECTS.notCompliant())).toBeNull();
    expect(evaluate({ signIn: presented({ errorCode: 53000, policies: [policy("C", ["RequireCompliantDevice"])] }), machines: [] })).toBeNull();
  });

  it("judges a presented device against hybrid join only: registration alone (50129) is not its case", () => {
    expect(evaluate({ signIn: presented({ errorCode: 50129, policies: [] }), machines: [] })).toBeNull();
  });

  it('under "compliant or hybrid joined", fires for 53001 only (53000 means the compliance part failed)', () => {
    expect(evaluate({ signIn: presented({ errorCode: 53001, policies: [EITHER] }), machines: [] })?.causeLabel).toBe(
      "Microsoft Entra registered where hybrid join is required",
    );
    expect(evaluate({ signIn: presented({ errorCode: 53000, policies: [EITHER] }), machines: [] })).toBeNull();
  });

  it("reads the trust type from the directory object when the sign-in has none, and names the device after it", () => {
    const object = makeRegisteredObject({ deviceId: "6da9f566-5223-49d4-8c5c-22d50b902984", displayName: "DESKTOP-OBJ" });
    const outcome = evaluate({ signIn: presented({ device: { trustType: null, displayName: null } }), presentedObject: object, machines: [] });
    expect(outcome?.finding.title).toBe("DESKTOP-OBJ is Microsoft Entra registered, and the policy requires hybrid join");
    expect(outcome?.finding.explanation).toContain(
      "The sign-in presented DESKTOP-OBJ (deviceId 6da9f566-5223-49d4-8c5c-22d50b902984, DESKTOP-OBJ · Workplace · registered",
    );
    expect(outcome?.finding.evidence.map((e) => [e.field, e.value, e.expected])).toEqual([
      ["deviceId", "6da9f566-5223-49d4-8c5c-22d50b902984", undefined],
      ["trustType", "Workplace", "ServerAd"],
      ["status.errorCode", "53001 DeviceNotDomainJoined", undefined],
      ["conditionalAccessStatus", "failure", undefined],
      ["Exchange Online: require hybrid joined device", "failure · RequireDomainJoinedDevice", undefined],
      ["subjectKey", "d:6da9f566-5223-49d4-8c5c-22d50b902984", undefined],
    ]);
    expect(outcome?.finding.remediation[0]).toMatch(/^If DESKTOP-OBJ is a domain-joined corporate computer, complete its hybrid join/);
    expect(outcome?.finding.remediation[1]).toMatch(/^If DESKTOP-OBJ is a personal or non-domain device, the policy blocks it by design/);
  });

  it("prefers the sign-in's trust type and name to the object's", () => {
    const object = makeRegisteredObject({ deviceId: "6da9f566-5223-49d4-8c5c-22d50b902984", displayName: "DESKTOP-OBJ" });
    const outcome = evaluate({ signIn: presented({ device: { trustType: "Azure AD joined" } }), presentedObject: object, machines: [] });
    expect(outcome?.causeLabel).toBe("Microsoft Entra joined where hybrid join is required");
    expect(outcome?.finding.title).toBe("DESKTOP-7H2K9QD is Microsoft Entra joined, and the policy requires hybrid join");
    expect(outcome?.finding.remediation).toEqual([
      expect.stringMatching(/^DESKTOP-7H2K9QD is cloud-only joined, which a hybrid-join requirement never accepts/),
    ]);
  });

  it("names the device by its id when neither the sign-in nor the directory names it", () => {
    const outcome = evaluate({ signIn: presented({ device: { displayName: null } }), machines: [] });
    expect(outcome?.finding.title).toBe("6da9f566-5223-49d4-8c5c-22d50b902984 is Microsoft Entra registered, and the policy requires hybrid join");
  });

  it("stays quiet for a trust type it cannot read, or a hybrid joined one", () => {
    expect(evaluate({ signIn: presented({ device: { trustType: null } }), machines: [] })).toBeNull();
    expect(evaluate({ signIn: presented({ device: { trustType: "Something else" } }), machines: [] })).toBeNull();
    expect(
      evaluate({ signIn: presented({ device: { trustType: null } }), presentedObject: makeRegisteredObject({ trustType: "ServerAd" }), machines: [] }),
    ).toBeNull();
  });
});

describe("ca-device-not-joined, no device presented: the user's machines", () => {
  /** The hybrid-join policy's sign-in from a browser that presented no device, failing with this code and these policies. */
  const requiring = (errorCode: number, policies: SignInPolicy[] = []) =>
    makeSignIn({ errorCode, policies, device: { deviceId: null, trustType: null } }, "edge-registered-needs-hybrid.json");

  it.each<[string, ReturnType<typeof requiring>, SignInMachine[], string | null]>([
    ["hybrid join alone: a hybrid joined machine passes", requiring(53001), [HYBRID], null],
    ["hybrid join alone: an Entra joined machine fails", requiring(53001), [ENTRA], "PC-0177 is Microsoft Entra joined, not hybrid joined"],
    ["hybrid join alone: a registered machine fails", requiring(53001), [REGISTERED], "PC-01 is Microsoft Entra registered only"],
    ["compliant or hybrid: a registered machine could pass", requiring(53001, [EITHER]), [REGISTERED], null],
    ["compliant or hybrid: an Entra joined machine could pass", requiring(53001, [EITHER]), [ENTRA], null],
    ["compliant or hybrid: a machine not joined at all fails", requiring(53001, [EITHER]), [WORKGROUP], "PC-0999 is not joined to Microsoft Entra ID"],
    ["registration (50129): a registered machine passes", requiring(50129), [REGISTERED], null],
    ["registration (50129): an Entra joined machine passes", requiring(50129), [ENTRA], null],
    ["registration (50129): a machine not joined at all fails", requiring(50129), [WORKGROUP], "PC-0999 is not joined to Microsoft Entra ID"],
    ["the first machine that fails is named", requiring(53001), [HYBRID, REGISTERED, ENTRA], "PC-01 is Microsoft Entra registered only"],
    ["no machine known", requiring(53001), [], null],
    ["a compliant device alone is no join requirement", requiring(53000, [policy("C", ["RequireCompliantDevice"])]), [WORKGROUP], null],
    [
      "a sign-in that succeeded",
      makeSignIn({ errorCode: 0, conditionalAccessStatus: "success", policies: [policy("H", ["RequireDomainJoinedDevice"])], device: { deviceId: null } }),
      [WORKGROUP],
      null,
    ],
  ])("%s", (_, event, machines, title) => {
    expect(evaluate({ signIn: event, machines })?.finding.title ?? null).toBe(title);
  });

  it("quotes the machine's join lines and links it, and names the user", () => {
    const linked = { ...ENTRA, subjectKey: "d:6e4cbe68-588b-499c-8c04-dcfff140a1ca" };
    const outcome = evaluate({ signIn: requiring(53001), machines: [linked] });
    expect(outcome?.finding.evidence.slice(-4)).toEqual([
      { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "YES" },
      { source: "dsregcmd /status · Device State", field: "DomainJoined", value: "NO" },
      { source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "NO" },
      { source: "JoinScope device", field: "subjectKey", value: "d:6e4cbe68-588b-499c-8c04-dcfff140a1ca" },
    ]);
    expect(outcome?.finding.explanation).toContain("PC-0177, where nestor.wilke@woodgrovebank.com signed in around then, is Microsoft Entra joined");
    const anonymous = evaluate({ signIn: { ...requiring(53001), userPrincipalName: null }, machines: [linked] });
    expect(anonymous?.finding.explanation).toContain("PC-0177, where the user signed in around then");
  });

  it("quotes the join lines under their own sections even when the report omits them", () => {
    const bare = machineWith(
      {
        joinType: "none",
        azureAdJoined: false,
        domainJoined: false,
        workplaceJoined: false,
        omit: { "Device State": ["AzureAdJoined", "DomainJoined"], "User State": ["WorkplaceJoined"] },
      },
      "PC-0999",
    );
    expect(evaluate({ signIn: requiring(53001), machines: [bare] })?.finding.evidence.slice(-3)).toEqual([
      { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" },
      { source: "dsregcmd /status · Device State", field: "DomainJoined", value: "NO" },
      { source: "dsregcmd /status · User State", field: "WorkplaceJoined", value: "NO" },
    ]);
  });

  it("calls a domain joined machine that is Entra joined a cloud join, not a pending hybrid join", () => {
    const both = machineWith({ azureAdJoined: true, domainJoined: false, workplaceJoined: true });
    const outcome = evaluate({ signIn: requiring(53001), machines: [both] });
    expect(outcome?.causeLabel).toBe("Machine not joined as the policy requires");
    expect(outcome?.finding.title).toBe("PC-0142 is Microsoft Entra joined, not hybrid joined");
  });
});
