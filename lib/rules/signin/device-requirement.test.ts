/**
 * What a sign-in's error code and failed policies demand of the device (readDeviceRequirement), in words
 * (describeRequirement), and the log's trust types in Graph's terms (normalizeTrustType).
 */
import { describe, expect, it } from "vitest";
import { describeRequirement, normalizeTrustType, readDeviceRequirement, signInSucceeded } from "@/lib/rules/signin/device-requirement";
import { makeSignIn, policy, type SignInChanges } from "@/lib/rules/signin/testing/sign-in-subjects";

const LOG = "Entra ID sign-in log";
const POLICIES = `${LOG} · appliedConditionalAccessPolicies`;
/** A failed sign-in with no policy listed (an app that may not read Conditional Access data). */
const failed = (changes: SignInChanges) => makeSignIn({ conditionalAccessStatus: "failure", policies: [], ...changes });
const read = (changes: SignInChanges) => readDeviceRequirement(failed(changes));

describe("readDeviceRequirement", () => {
  it.each([
    [53000, { compliant: true, hybrid: false, registered: false, deviceAuthentication: false }, "53000 DeviceNotCompliant"],
    [53001, { compliant: false, hybrid: true, registered: false, deviceAuthentication: false }, "53001 DeviceNotDomainJoined"],
    [50129, { compliant: false, hybrid: false, registered: true, deviceAuthentication: false }, "50129 DeviceIsNotWorkplaceJoined"],
    [50097, { compliant: false, hybrid: false, registered: false, deviceAuthentication: true }, "50097 DeviceAuthenticationRequired"],
  ])("reads error code %i alone", (errorCode, demands, quoted) => {
    expect(read({ errorCode })).toEqual({
      deviceRelated: true,
      ...demands,
      policies: [],
      evidence: [
        { source: LOG, field: "status.errorCode", value: quoted },
        { source: LOG, field: "conditionalAccessStatus", value: "failure" },
      ],
    });
  });

  it("reads the failed policies' device controls, in any case and with spaces, and quotes those policies only", () => {
    const compliant = policy("Require compliant device", [" requirecompliantdevice "]);
    const hybrid = policy(null, ["Mfa", "RequireDomainJoinedDevice"], "failure", "2b6f4c1e");
    const unnamed = policy(null, ["RequireCompliantDevice"]);
    const mfa = policy("Require MFA", ["Mfa"]);
    const notApplied = policy("Report only", ["RequireDomainJoinedDevice"], "notApplied");
    const requirement = read({ errorCode: 53003, policies: [mfa, compliant, notApplied, hybrid, unnamed] });
    expect(requirement).toMatchObject({ deviceRelated: true, compliant: true, hybrid: true, registered: false, deviceAuthentication: false });
    expect(requirement.policies).toEqual([compliant, hybrid, unnamed]);
    expect(requirement.evidence).toEqual([
      { source: LOG, field: "status.errorCode", value: "53003" },
      { source: LOG, field: "conditionalAccessStatus", value: "failure" },
      { source: POLICIES, field: "Require compliant device", value: "failure ·  requirecompliantdevice " },
      { source: POLICIES, field: "2b6f4c1e", value: "failure · Mfa, RequireDomainJoinedDevice" },
      { source: POLICIES, field: "(unnamed policy)", value: "failure · RequireCompliantDevice" },
    ]);
  });

  it("each device control alone", () => {
    expect(read({ errorCode: 53003, policies: [policy("C", ["RequireCompliantDevice"])] })).toMatchObject({ compliant: true, hybrid: false });
    expect(read({ errorCode: 53003, policies: [policy("H", ["RequireDomainJoinedDevice"])] })).toMatchObject({ compliant: false, hybrid: true });
  });

  it("is not about the device for another failure (53003 and an MFA or location policy) or a policy that did not fail", () => {
    const requirement = read({ errorCode: 53003, policies: [policy("Require MFA", ["Mfa"]), policy("Other", ["RequireCompliantDevice"], "success")] });
    expect(requirement).toMatchObject({ deviceRelated: false, compliant: false, hybrid: false, registered: false, deviceAuthentication: false, policies: [] });
  });

  it("quotes no error code 0 nor a missing Conditional Access status", () => {
    const requirement = read({ errorCode: 0, conditionalAccessStatus: null, policies: [policy("C", ["RequireCompliantDevice"])] });
    expect(requirement.evidence.map((e) => e.field)).toEqual(["C"]);
  });

  it("a sign-in that succeeded needs no explanation, whatever a policy says", () => {
    const report = { errorCode: 0, policies: [policy("C", ["RequireCompliantDevice"])] };
    expect(read({ ...report, conditionalAccessStatus: "success" }).deviceRelated).toBe(false);
    expect(read({ ...report, conditionalAccessStatus: null }).deviceRelated).toBe(false);
    // Error code 0 with Conditional Access failed, or a device error code with it not failed: both failed.
    expect(read({ ...report, conditionalAccessStatus: "failure" }).deviceRelated).toBe(true);
    expect(read({ errorCode: 53000, conditionalAccessStatus: "success" }).deviceRelated).toBe(true);
  });
});

describe("signInSucceeded", () => {
  it.each([
    [0, "success", true],
    [0, null, true],
    [0, "notApplied", true],
    [0, "failure", false],
    [53000, "success", false],
    [50126, null, false],
  ])("error code %i, Conditional Access %s: %s", (errorCode, conditionalAccessStatus, succeeded) => {
    expect(signInSucceeded(failed({ errorCode, conditionalAccessStatus }))).toBe(succeeded);
  });
});

describe("describeRequirement", () => {
  it.each<[SignInChanges, string]>([
    [{ errorCode: 53000 }, "a compliant device"],
    [{ errorCode: 53001 }, "a Microsoft Entra hybrid joined device"],
    [{ errorCode: 50129 }, "a registered device"],
    [{ errorCode: 50097 }, "device authentication"],
    [{ errorCode: 53003, conditionalAccessStatus: null }, "a known device"],
    [
      { errorCode: 53003, policies: [policy("Require compliant device", ["RequireCompliantDevice"]), policy(null, ["RequireDomainJoinedDevice"])] },
      'a compliant device or a Microsoft Entra hybrid joined device ("Require compliant device")',
    ],
    [
      { errorCode: 53001, policies: [policy("A", ["RequireDomainJoinedDevice"]), policy("B", ["RequireDomainJoinedDevice"])] },
      'a Microsoft Entra hybrid joined device ("A", "B")',
    ],
  ])("%j: %s", (changes, words) => {
    expect(describeRequirement(read(changes))).toBe(words);
  });
});

describe("normalizeTrustType", () => {
  it.each([
    [null, null],
    [undefined, null],
    ["", null],
    ["  ", null],
    ["ServerAd", "ServerAd"],
    ["Hybrid Azure AD joined", "ServerAd"],
    ["Microsoft Entra hybrid joined", "ServerAd"],
    ["Domain  Joined", "ServerAd"],
    ["AzureAd", "AzureAd"],
    [" Azure AD joined ", "AzureAd"],
    ["Azure  AD joined", "AzureAd"],
    ["Microsoft Entra joined", "AzureAd"],
    ["Entra joined", "AzureAd"],
    ["Azure AD joined (preview)", null],
    ["Not Entra joined", null],
    ["Workplace", "Workplace"],
    ["Azure AD registered", "Workplace"],
    ["Microsoft Entra registered", "Workplace"],
    ["Registered device", null],
    ["Unknown", null],
  ] as const)("%j is %j", (value, trustType) => {
    expect(normalizeTrustType(value)).toBe(trustType);
  });
});
