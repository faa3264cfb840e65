/**
 * What a machine's report says about its PRT at a sign-in's time (readMachinePrtState), whose report it is
 * (reportUser, capturedByAnotherUser) and how the machine is named (machineLabel). Reports built by make-report.ts:
 * PC-0142, hybrid joined, jdoe's PRT updated 2025-03-09 11:00:27 UTC and valid until 2025-03-23 11:01:41 UTC; the
 * sign-in is jdoe's Chrome sign-in of chrome-no-extension.json (2025-03-09 14:12 UTC).
 */
import { describe, expect, it } from "vitest";
import { capturedByAnotherUser, machineLabel, readMachinePrtState, reportUser } from "@/lib/rules/signin/machine-state";
import { builtMachine, makeSignIn, type SignInChanges } from "@/lib/rules/signin/testing/sign-in-subjects";
import { makeReport, type MakeReportOptions } from "@/lib/rules/testing/make-report";

const SSO = "dsregcmd /status · SSO State";
const pc = (options: MakeReportOptions = {}, hostname = "PC-0142") => builtMachine(hostname, makeReport(options));
const state = (options: MakeReportOptions = {}, changes: SignInChanges = {}) => readMachinePrtState(pc(options), makeSignIn(changes));

const PRT_YES = { source: SSO, field: "AzureAdPrt", value: "YES" };
const UPDATED = { source: SSO, field: "AzureAdPrtUpdateTime", value: "2025-03-09 11:00:27.000 UTC" };
const EXPIRY = { source: SSO, field: "AzureAdPrtExpiryTime", value: "2025-03-23 11:01:41.000 UTC" };

describe("readMachinePrtState", () => {
  it("a PRT valid at the sign-in is usable, quoted with its last update", () => {
    expect(state()).toEqual({ state: "usable", evidence: [PRT_YES, UPDATED] });
    expect(state({ prtUpdateTime: null })).toEqual({ state: "usable", evidence: [PRT_YES] });
  });

  it("a PRT is usable up to its expiry and expired a millisecond after", () => {
    expect(state({}, { createdDateTime: "2025-03-23T11:01:41.000Z" }).state).toBe("usable");
    expect(state({}, { createdDateTime: "2025-03-23T11:01:41.001Z" })).toEqual({
      state: "expired",
      evidence: [EXPIRY, UPDATED],
      classification: expect.objectContaining({ cause: "unknown" }),
      expiredAt: "2025-03-23 11:01 UTC",
    });
  });

  it("an expired PRT without an update time is quoted by its expiry alone", () => {
    expect(state({ prtUpdateTime: null }, { createdDateTime: "2025-04-01T00:00:00.000Z" }).evidence).toEqual([EXPIRY]);
  });

  it("a sign-in time it cannot read, or a PRT without an expiry, judges the PRT usable", () => {
    expect(state({}, { createdDateTime: "not a time" }).state).toBe("usable");
    expect(state({ prtExpiryTime: null }, { createdDateTime: "2026-01-01T00:00:00.000Z" }).state).toBe("usable");
  });

  it("AzureAdPrt : NO is missing, with the line and the failure's classification", () => {
    const missing = state({ azureAdPrt: false, prtUpdateTime: null, prtExpiryTime: null });
    expect(missing).toMatchObject({ state: "missing", classification: { cause: expect.any(String) } });
    expect(missing.evidence[0]).toEqual({ source: SSO, field: "AzureAdPrt", value: "NO" });
  });

  it("a report without an AzureAdPrt line cannot tell", () => {
    expect(state({ azureAdPrt: null, prtUpdateTime: null, prtExpiryTime: null })).toEqual({
      state: "unknown",
      evidence: [],
      why: "the report of PC-0142 has no AzureAdPrt line",
    });
  });

  it.each([
    [false, "NO"],
    [null, null],
  ])("a machine that is not Entra or hybrid joined (AzureAdJoined %s) has no device PRT", (azureAdJoined, quoted) => {
    expect(state({ azureAdJoined, joinType: "none" })).toEqual({
      state: "not-joined",
      evidence: [{ source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: quoted }],
    });
  });

  it("does not judge a report another user captured: its PRT lines are that account's", () => {
    expect(state({ executingAccount: "CONTOSO\\ann, Ann@Contoso.com" })).toEqual({
      state: "unknown",
      evidence: [{ source: "dsregcmd /status · Diagnostic Data", field: "Executing Account Name", value: "CONTOSO\\ann, Ann@Contoso.com" }],
      why: "the report of PC-0142 was captured by ann@contoso.com, not jdoe@contoso.com: its PRT lines are that account's",
    });
  });

  it.each([
    ["NT AUTHORITY\\SYSTEM", "as SYSTEM"],
    ["PC-0142\\admin, ", "under a local account"],
  ])("does not judge a report captured by %s", (executingAccount, how) => {
    const unknown = state({ executingAccount, azureAdPrt: false, prtUpdateTime: null });
    expect(unknown).toMatchObject({ state: "unknown", why: `the report of PC-0142 was captured ${how}, so it does not show the user's PRT` });
    expect(unknown.evidence.length).toBeGreaterThan(0);
  });
});

describe("readMachinePrtState, lines the report lacks or repeats", () => {
  it("quotes the PRT line it judged under its own section even when the report omits the line", () => {
    const omit = { "SSO State": ["AzureAdPrt"] };
    expect(state({ omit, prtUpdateTime: null }).evidence).toEqual([PRT_YES]);
    expect(state({ omit, azureAdPrt: false, prtUpdateTime: null, prtExpiryTime: null }).evidence[0]).toEqual({ source: SSO, field: "AzureAdPrt", value: "NO" });
  });

  it("a report without an AzureAdPrt line is not expired, whatever its expiry time", () => {
    expect(state({ azureAdPrt: null, prtUpdateTime: null }, { createdDateTime: "2025-04-01T00:00:00.000Z" }).state).toBe("unknown");
  });

  it("quotes an expired PRT's known cause with it, and not an unknown one", () => {
    const aadsts = { aadsts: "AADSTS50126", extra: { "SSO State": { "Server Error Description": "AADSTS50126: Error validating credentials." } } };
    const expired = state(aadsts, { createdDateTime: "2025-04-01T00:00:00.000Z" });
    expect(expired).toMatchObject({ state: "expired", classification: { cause: "wrong-credentials" } });
    expect(expired.evidence).toEqual([
      EXPIRY,
      UPDATED,
      { source: SSO, field: "Server Error Description", value: "AADSTS50126: Error validating credentials." },
    ]);
    // An attempt status no cause matches: the classification quotes it, the expired PRT does not.
    const unclassified = state({ extra: { "SSO State": { "Attempt Status": "0xdeadbeef" } } }, { createdDateTime: "2025-04-01T00:00:00.000Z" });
    expect(unclassified).toMatchObject({
      state: "expired",
      classification: { cause: "unknown", evidence: [expect.objectContaining({ value: "0xdeadbeef" })] },
    });
    expect(unclassified.evidence).toEqual([EXPIRY, UPDATED]);
  });

  it("another user named by the attempt's User Identity: the report has no executing account to quote", () => {
    expect(state({ executingAccount: null, extra: { "SSO State": { "User Identity": "ann@contoso.com" } } })).toMatchObject({
      state: "unknown",
      evidence: [{ source: "dsregcmd /status · Diagnostic Data", field: "Executing Account Name", value: null }],
    });
  });

  it("reads the SSO State's User Identity before another section's", () => {
    const twice = {
      executingAccount: null,
      extra: { "User State": { "User Identity": "bob@contoso.com" }, "SSO State": { "User Identity": "ann@contoso.com" } },
    };
    expect(reportUser(pc(twice))).toBe("ann@contoso.com");
  });

  it("an elevated capture whose attempt names another account cannot tell the user's PRT", () => {
    const elevated = {
      azureAdPrt: false,
      prtUpdateTime: null,
      extra: { "Diagnostic Data": { "User Context": "ELEVATED User" }, "SSO State": { "User Identity": "admin@contoso.com" } },
    };
    expect(state(elevated)).toMatchObject({
      state: "unknown",
      why: "the report of PC-0142 was captured by another account, so it does not show the user's PRT",
    });
  });
});

describe("reportUser and capturedByAnotherUser", () => {
  it.each<[string, MakeReportOptions, SignInChanges, string | null, string | null]>([
    ["the same user, in another case", { executingAccount: "CONTOSO\\JDoe, JDoe@Contoso.com" }, {}, "jdoe@contoso.com", null],
    ["another user", { executingAccount: "CONTOSO\\ann, ann@contoso.com" }, {}, "ann@contoso.com", "ann@contoso.com"],
    ["a sign-in without a UPN", { executingAccount: "CONTOSO\\ann, ann@contoso.com" }, { userPrincipalName: null }, "ann@contoso.com", null],
    [
      "no executing account: the attempt's User Identity",
      { executingAccount: null, extra: { "SSO State": { "User Identity": " Ann@Contoso.com " } } },
      {},
      "ann@contoso.com",
      "ann@contoso.com",
    ],
    ["a User Identity that is no UPN", { executingAccount: null, extra: { "SSO State": { "User Identity": "CONTOSO\\ann" } } }, {}, "contoso\\ann", null],
    ["an empty User Identity", { executingAccount: null, extra: { "SSO State": { "User Identity": "  " } } }, {}, null, null],
    ["neither", { executingAccount: null }, {}, null, null],
  ])("%s", (_, options, changes, user, other) => {
    expect(reportUser(pc(options))).toBe(user);
    expect(capturedByAnotherUser(pc(options), makeSignIn(changes))).toBe(other);
  });
});

describe("machineLabel", () => {
  it("is the host name, else the report's device name, else its DeviceId", () => {
    expect(machineLabel(pc())).toBe("PC-0142");
    expect(machineLabel(pc({}, ""))).toBe("PC-0142.corp.contoso.com");
    expect(machineLabel(pc({ deviceName: null }, ""))).toBe("6e4cbe68-588b-499c-8c04-dcfff140a1ca");
    expect(machineLabel(builtMachine("", makeReport({ deviceName: null, deviceId: null })))).toBe("the machine");
  });
});
