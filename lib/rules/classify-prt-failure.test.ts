import { describe, expect, it } from "vitest";
import { classifyPrtFailure, isAdfsEndpoint, type PrtFailureCause } from "@/lib/rules/classify-prt-failure";
import { makeEntraReport, makeEvent, makeRegisteredReport, makeReport } from "@/lib/rules/testing/make-report";

/** A user-context report whose PRT request failed, with SSO State attempt diagnostics (Windows 10 21H1+ layout). */
function failedPrtReport(options: Parameters<typeof makeReport>[0] = {}, sso: Record<string, string> = {}) {
  return makeReport({
    azureAdPrt: false,
    prtUpdateTime: null,
    prtExpiryTime: null,
    ...options,
    extra: {
      "SSO State": {
        AcquirePrtDiagnostics: "PRESENT",
        "Previous Prt Attempt": "2025-03-09 12:05:33.789 UTC",
        "User Identity": "jdoe@contoso.com",
        "Credential Type": "Password",
        "Correlation ID": "63648321-fc5c-46eb-996e-ed1f3ba7740f",
        "Endpoint URI": "https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee/oauth2/token/",
        "HTTP Method": "POST",
        "HTTP Error": "0x0",
        ...sso,
      },
      ...options.extra,
    },
  });
}

const causeOf = (...args: Parameters<typeof classifyPrtFailure>) => classifyPrtFailure(...args).cause;

describe("classifyPrtFailure: each step", () => {
  it("1. device auth failed from DeviceAuthStatus", () => {
    const report = failedPrtReport({ deviceAuthStatus: "FAILED" });
    const result = classifyPrtFailure({ report });
    expect(result.cause).toBe("device-auth-failed");
    expect(result.label).toBe("device authentication failed");
    expect(result.evidence).toContainEqual({
      source: "dsregcmd /status · Device Details",
      field: "DeviceAuthStatus",
      value: "FAILED. Device is either disabled or deleted",
    });
    expect(result.fromAttemptDiagnostics).toBe(false);
  });

  it("1. device auth failed from the SYSTEM capture's DeviceAuthStatus", () => {
    const systemReport = makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM", azureAdPrt: false, deviceAuthStatus: "FAILED" });
    const result = classifyPrtFailure({ report: failedPrtReport(), systemReport });
    expect(result.cause).toBe("device-auth-failed");
    expect(result.evidence[0]?.source).toBe("dsregcmd /status (SYSTEM capture) · Device Details");
  });

  it("ignores DeviceAuthStatus FAILED. ERROR (the check could not run)", () => {
    const report = failedPrtReport({ deviceAuthStatus: "FAILED", deviceAuthStatusText: "FAILED. ERROR" });
    expect(causeOf({ report })).toBe("unknown");
  });

  it.each(["AADSTS50155", "AADSTS700003", "AADSTS135011"])("1. device auth failed from %s", (aadsts) => {
    const report = failedPrtReport(
      { aadsts, prtServerErrorCode: "invalid_grant" },
      { "HTTP status": "400", "Server Error Code": "invalid_grant", "Server Error Description": `${aadsts}: Device authentication failed` },
    );
    const result = classifyPrtFailure({ report });
    expect(result.cause).toBe("device-auth-failed");
    expect(result.codes).toEqual([aadsts.toLowerCase()]);
    expect(result.fromAttemptDiagnostics).toBe(true);
  });

  it("2. MFA from a 1098 broker event with 0xCAA2000C / AADSTS50076", () => {
    const events = [
      makeEvent({
        id: 1098,
        task: "AadTokenBrokerPlugin Operation",
        message:
          "Error: 0xCAA2000C The request requires user interaction. Code: interaction_required Description: AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.",
      }),
    ];
    const result = classifyPrtFailure({ report: failedPrtReport(), events });
    expect(result.cause).toBe("mfa-interaction");
    expect(result.codes).toEqual(["0xcaa2000c", "aadsts50076"]);
    expect(result.evidence).toEqual([
      {
        source: "Microsoft-Windows-AAD/Operational · event 1098 · 2025-03-09T12:10:00.000Z",
        field: "Message",
        value: events[0]!.message,
      },
    ]);
  });

  it("2. MFA from AADSTS50158 in the server error description", () => {
    const report = failedPrtReport({ aadsts: "AADSTS50158" }, { "Server Error Description": "AADSTS50158: External security challenge not satisfied." });
    expect(causeOf({ report })).toBe("mfa-interaction");
  });

  it("3. network from a non-zero HTTP Error", () => {
    const report = failedPrtReport({ prtAttemptStatus: "0xc000023c" }, { "Attempt Status": "0xc000023c", "HTTP Error": "0x80072efd", "HTTP status": "0" });
    const result = classifyPrtFailure({ report });
    expect(result.cause).toBe("network-proxy");
    expect(result.evidence.map((e) => e.field)).toEqual(["Attempt Status", "HTTP Error"]);
  });

  it.each(["12002", "12007", "12029", "12030"])("3. network from WinHTTP %s printed as a number", (value) => {
    expect(causeOf({ report: failedPrtReport({}, { "HTTP Error": value }) })).toBe("network-proxy");
  });

  it("3. network from a 0xCAA82xxx code in an event, and from event 1084", () => {
    const timeout = makeEvent({ id: 1081, message: "Error: 0xCAA82EE2 The request has timed out." });
    expect(causeOf({ report: failedPrtReport(), events: [timeout] })).toBe("network-proxy");
    const subError = makeEvent({ id: 1084, message: "Network sub-error while contacting the server." });
    expect(causeOf({ report: failedPrtReport(), events: [subError] })).toBe("network-proxy");
  });

  it.each(["0", "0x0", "0x00000000", " 0x0 "])("is not a network error for HTTP Error %j", (value) => {
    const result = classifyPrtFailure({ report: failedPrtReport({}, { "HTTP Error": value }) });
    expect(result.cause).toBe("unknown");
    expect(result.codes).toEqual([]);
  });

  it("keeps a WinHTTP number's HRESULT among the codes, and counts an HTTP Error in words as a network error", () => {
    expect(classifyPrtFailure({ report: failedPrtReport({}, { "HTTP Error": "12029" }) }).codes).toEqual(["0x80072efd"]);
    expect(causeOf({ report: failedPrtReport({}, { "HTTP Error": "ERROR_WINHTTP_TIMEOUT" }) })).toBe("network-proxy");
  });

  it("reads only the AAD Operational PRT events, not User Device Registration's or other ids", () => {
    const udr = makeEvent({ id: 1081, log: "Microsoft-Windows-User Device Registration/Admin", message: "Error: 0xCAA82EE2 The request has timed out." });
    const otherId = makeEvent({ id: 304, message: "AADSTS50076: MFA required" });
    const result = classifyPrtFailure({ report: failedPrtReport(), events: [udr, otherId] });
    expect(result.cause).toBe("unknown");
    expect(result.evidence.map((e) => e.field)).toEqual(["HTTP Error", "Endpoint URI"]);
  });

  it("says whether the winning signals came from the attempt diagnostics (which may be another user's)", () => {
    const event = makeEvent({ id: 1098, message: "Error: 0xCAA2000C AADSTS50076" });
    const mfa = classifyPrtFailure({ report: failedPrtReport(), events: [event] });
    expect(mfa).toMatchObject({
      cause: "mfa-interaction",
      label: "MFA or user interaction required",
      codes: ["0xcaa2000c", "aadsts50076"],
      fromAttemptDiagnostics: true,
    });
    expect(mfa.evidence).toEqual([
      { source: `Microsoft-Windows-AAD/Operational · event 1098 · ${event.time}`, field: "Message", value: "Error: 0xCAA2000C AADSTS50076" },
    ]);
  });

  it("4. federated STS from event 1088", () => {
    const event = makeEvent({ id: 1088, message: "WS-Trust request failed. Status: 0xC00000D0" });
    expect(causeOf({ report: failedPrtReport(), events: [event] })).toBe("federated-sts");
  });

  it("4. federated STS from an AD FS endpoint URI", () => {
    const report = failedPrtReport({}, { "Endpoint URI": "https://sts.contoso.com/adfs/services/trust/13/usernamemixed" });
    const result = classifyPrtFailure({ report });
    expect(result.cause).toBe("federated-sts");
    expect(result.evidence).toEqual([
      { source: "dsregcmd /status · SSO State", field: "Endpoint URI", value: "https://sts.contoso.com/adfs/services/trust/13/usernamemixed" },
    ]);
  });

  // CloudAP's own codes (https://learn.microsoft.com/entra/identity/devices/troubleshoot-primary-refresh-token).
  it.each(["0xc00484c1", "0xc004848b", "0xc004848c", "0xc00cee4f"])("4. federated STS from Attempt Status %s", (code) => {
    expect(causeOf({ report: failedPrtReport({ prtAttemptStatus: code }, { "Attempt Status": code }) })).toBe("federated-sts");
  });

  it("3. network from 0xc0048442 (a proxy altered Entra ID's response)", () => {
    expect(causeOf({ report: failedPrtReport({ prtAttemptStatus: "0xc0048442" }, { "Attempt Status": "0xc0048442" }) })).toBe("network-proxy");
  });

  it.each(["0xcaa20003", "0xcaa90023"])("4. federated STS from %s", (code) => {
    const report = failedPrtReport({ prtAttemptStatus: code }, { "Attempt Status": code });
    expect(causeOf({ report })).toBe("federated-sts");
  });

  it("5. wrong credentials from AADSTS50126 (Microsoft's documented sample)", () => {
    const report = failedPrtReport(
      { prtAttemptStatus: "0xc000006d", aadsts: "AADSTS50126", prtServerErrorCode: "invalid_grant" },
      {
        "Attempt Status": "0xc000006d",
        "HTTP status": "400",
        "Server Error Code": "invalid_grant",
        "Server Error Description": "AADSTS50126: Error validating credentials due to invalid username or password.",
      },
    );
    const result = classifyPrtFailure({ report });
    expect(result.cause).toBe("wrong-credentials");
    expect(result.label).toBe("wrong credentials or password not synced");
    expect(result.codes).toEqual(["aadsts50126"]);
  });

  it("5. wrong credentials from 0xC000006A", () => {
    const report = failedPrtReport({ prtAttemptStatus: "0xc000006a" }, { "Attempt Status": "0xc000006a" });
    expect(causeOf({ report })).toBe("wrong-credentials");
  });

  it.each([
    ["AADSTS50034", "aadsts"],
    ["AADSTS90002", "aadsts"],
    ["0xC000005F", "event"],
    ["0xc004844c", "attempt"],
  ])("6. user not synced / UPN from %s", (code, where) => {
    const report =
      where === "aadsts"
        ? failedPrtReport({ aadsts: code }, { "Server Error Description": `${code}: not found` })
        : where === "attempt"
          ? failedPrtReport({ prtAttemptStatus: code }, { "Attempt Status": code })
          : failedPrtReport();
    const events = where === "event" ? [makeEvent({ id: 1104, message: `Cloud AP plugin call Get token returned error: ${code}` })] : [];
    expect(causeOf({ report, events })).toBe("user-not-synced");
  });

  it("7. local account when nothing else matched", () => {
    const report = makeReport({ azureAdPrt: false, executingAccount: "PC-0142\\localadmin, " });
    const result = classifyPrtFailure({ report });
    expect(result.cause).toBe("local-account");
    expect(result.evidence).toEqual([{ source: "dsregcmd /status · Diagnostic Data", field: "Executing Account Name", value: "PC-0142\\localadmin," }]);
  });

  it("7. local account inferred when an older build prints no executing account on a workgroup device", () => {
    const report = makeReport({
      joinType: "registered",
      azureAdJoined: false,
      domainJoined: false,
      domainName: null,
      workplaceJoined: true,
      azureAdPrt: false,
      executingAccount: null,
      extra: { "Ngc Prerequisite Check": { IsDeviceJoined: "NO", IsUserAzureAD: "NO" } },
    });
    const result = classifyPrtFailure({ report });
    expect(result.cause).toBe("local-account");
    expect(result.evidence).toEqual([
      { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" },
      { source: "dsregcmd /status · Device State", field: "DomainJoined", value: "NO" },
      { source: "dsregcmd /status · Ngc Prerequisite Check", field: "IsUserAzureAD", value: "NO" },
    ]);
  });

  it("does not infer a local account on a domain-joined device without an executing account", () => {
    const report = makeReport({ azureAdPrt: false, executingAccount: null });
    expect(causeOf({ report })).toBe("unknown");
  });

  it("8. unknown when no signal matches, still listing what was read", () => {
    const report = failedPrtReport({ prtAttemptStatus: "0xc000006d" }, { "Attempt Status": "0xc000006d" });
    const result = classifyPrtFailure({ report });
    expect(result.cause).toBe("unknown");
    expect(result.codes).toEqual(["0xc000006d"]);
    expect(result.evidence.map((e) => e.field)).toEqual(["Attempt Status", "HTTP Error", "Endpoint URI"]);
  });
});

describe("classifyPrtFailure: first match wins", () => {
  const cases: [string, PrtFailureCause, () => Parameters<typeof classifyPrtFailure>[0]][] = [
    [
      // Issue 26: with the first two steps swapped this device was reported as "MFA required".
      "device authentication failure beats MFA (DeviceAuthStatus FAILED with a 0xCAA2000C broker event)",
      "device-auth-failed",
      () => ({
        report: failedPrtReport({ deviceAuthStatus: "FAILED" }),
        events: [makeEvent({ id: 1098, message: "Error: 0xCAA2000C Operation requires interaction. AADSTS50076" })],
      }),
    ],
    [
      "50155 beats MFA in the same server error description",
      "device-auth-failed",
      () => ({
        report: failedPrtReport(
          { aadsts: "AADSTS50155" },
          { "Server Error Description": "AADSTS50155: Device authentication failed. AADSTS50076: MFA required" },
        ),
      }),
    ],
    [
      "50155 beats a network error",
      "device-auth-failed",
      () => ({
        report: failedPrtReport(
          { aadsts: "AADSTS50155" },
          { "HTTP Error": "0x80072ee2", "Server Error Description": "AADSTS50155: Device authentication failed" },
        ),
      }),
    ],
    [
      "MFA beats network",
      "mfa-interaction",
      () => ({
        report: failedPrtReport({}, { "HTTP Error": "0x80072ee2" }),
        events: [makeEvent({ id: 1098, message: "Error: 0xCAA2000C AADSTS50076" })],
      }),
    ],
    [
      "network beats federated STS",
      "network-proxy",
      () => ({ report: failedPrtReport({}, { "HTTP Error": "0x80072efd", "Endpoint URI": "https://sts.contoso.com/adfs/services/trust/13/usernamemixed" }) }),
    ],
    [
      "federated STS beats wrong credentials",
      "federated-sts",
      () => ({
        report: failedPrtReport({ prtAttemptStatus: "0xc000006a" }, { "Attempt Status": "0xc000006a" }),
        events: [makeEvent({ id: 1088, message: "WS-Trust request failed" })],
      }),
    ],
    [
      "wrong credentials beats user not synced",
      "wrong-credentials",
      () => ({
        report: failedPrtReport({ aadsts: "AADSTS50126" }, { "Server Error Description": "AADSTS50126: Error validating credentials" }),
        events: [makeEvent({ id: 1104, message: "Cloud AP plugin call Get token returned error: 0xC000005F" })],
      }),
    ],
    [
      "user not synced beats local account",
      "user-not-synced",
      () => ({
        report: failedPrtReport({ executingAccount: "PC-0142\\localadmin, " }),
        events: [makeEvent({ id: 1104, message: "Cloud AP plugin call Get token returned error: 0xC000005F" })],
      }),
    ],
  ];

  it.each(cases)("%s", (_name, expected, build) => {
    expect(classifyPrtFailure(build()).cause).toBe(expected);
  });

  it("does not depend on event order", () => {
    const events = [
      makeEvent({ id: 1104, time: "2025-03-09T12:11:00.000Z", message: "Cloud AP plugin call Get token returned error: 0xC000005F" }),
      makeEvent({ id: 1081, time: "2025-03-09T12:10:00.000Z", message: "AADSTS50034: The user account does not exist" }),
      makeEvent({ id: 1081, time: "2025-03-09T12:10:00.000Z", message: "AADSTS90002: Tenant not found" }),
    ];
    const forward = classifyPrtFailure({ report: failedPrtReport(), events });
    const backward = classifyPrtFailure({ report: failedPrtReport(), events: [...events].reverse() });
    expect(forward.cause).toBe("user-not-synced");
    expect(backward).toEqual(forward);
    expect(forward.codes).toEqual(["aadsts50034", "aadsts90002", "0xc000005f"]);
  });
});

describe("classifyPrtFailure: what each signal reads", () => {
  const sso = "dsregcmd /status · SSO State";

  it.each([
    ["0x0 in capitals", "0X00000000", "unknown"],
    ["zeros as a number", "00000000", "unknown"],
    ["a small code with leading zeros", "0x00000005", "network-proxy"],
    // ERROR_WINHTTP_SECURE_FAILURE, a number but none of the four network numbers: only its being non-zero counts.
    ["a WinHTTP number outside the network four", "12175", "network-proxy"],
    // Not among the network codes: only the non-zero HTTP Error makes it a network error.
    ["any other non-zero code", "0x80190194", "network-proxy"],
  ])("HTTP Error as %s", (_name, value, cause) => {
    expect(causeOf({ report: failedPrtReport({}, { "HTTP Error": value }) })).toBe(cause);
  });

  it("quotes the HTTP Error line as printed", () => {
    const result = classifyPrtFailure({ report: failedPrtReport({}, { "HTTP Error": "0x80072ee2" }) });
    expect(result).toEqual({
      cause: "network-proxy",
      label: "network or proxy error",
      evidence: [{ source: sso, field: "HTTP Error", value: "0x80072ee2" }],
      codes: ["0x80072ee2"],
      fromAttemptDiagnostics: true,
    });
  });

  it.each([
    ["the Attempt Status line alone", {}, { "Attempt Status": "0xc000006a" }],
    ["the parsed status alone (its line lost)", { prtAttemptStatus: "0xc000006a" }, {}],
  ])("reads the attempt status from %s", (_name, options, lines) => {
    const result = classifyPrtFailure({ report: failedPrtReport(options, lines) });
    expect(result).toMatchObject({ cause: "wrong-credentials", codes: ["0xc000006a"] });
    expect(result.evidence).toEqual([{ source: sso, field: "Attempt Status", value: "0xc000006a" }]);
  });

  it("keeps no code for an Attempt Status that holds none, and says the unknown cause comes from the attempt diagnostics", () => {
    const result = classifyPrtFailure({ report: failedPrtReport({}, { "Attempt Status": "FAILED" }) });
    expect(result).toMatchObject({ cause: "unknown", codes: [], fromAttemptDiagnostics: true });
    expect(result.evidence.map((e) => e.field)).toEqual(["Attempt Status", "HTTP Error", "Endpoint URI"]);
  });

  it.each([
    ["the server error description alone", {}, { "Server Error Description": "AADSTS50126: Error validating credentials." }, ["aadsts50126"]],
    ["the parsed AADSTS code alone", { aadsts: "AADSTS50126" }, {}, ["aadsts50126"]],
    // The parsed code comes first when the description does not hold it.
    [
      "both, the description naming another code",
      { aadsts: "AADSTS50126" },
      { "Server Error Description": "AADSTS50034: not found" },
      ["aadsts50126", "aadsts50034"],
    ],
  ])("reads the server error from %s", (_name, options, lines, codes) => {
    const result = classifyPrtFailure({ report: failedPrtReport(options, lines) });
    expect(result).toMatchObject({ cause: "wrong-credentials", codes });
    expect(result.evidence.map((e) => e.field)).toEqual(["Server Error Description"]);
  });

  it("keeps no code for a server error description that holds none", () => {
    const result = classifyPrtFailure({ report: failedPrtReport({}, { "Server Error Description": "The request failed." }) });
    expect(result).toMatchObject({ cause: "unknown", codes: [] });
  });

  it.each([
    ["0xCAA2000C in the Attempt Status", { prtAttemptStatus: "0xcaa2000c" }, { "Attempt Status": "0xcaa2000c" }, ["0xcaa2000c"]],
    [
      "AADSTS50076 alone in the server error description",
      { aadsts: "AADSTS50076" },
      { "Server Error Description": "AADSTS50076: MFA required" },
      ["aadsts50076"],
    ],
  ])("2. MFA from %s", (_name, options, lines, codes) => {
    expect(classifyPrtFailure({ report: failedPrtReport(options, lines) })).toMatchObject({ cause: "mfa-interaction", codes });
  });

  it("names an event without a log AAD Operational", () => {
    const event = { ...makeEvent({ id: 1088, message: "WS-Trust request failed" }), log: undefined };
    expect(classifyPrtFailure({ report: failedPrtReport(), events: [event] }).evidence).toEqual([
      { source: `AAD Operational · event 1088 · ${event.time}`, field: "Message", value: "WS-Trust request failed" },
    ]);
  });

  it("counts the match as attempt diagnostics when any of its signals is one", () => {
    const report = failedPrtReport(
      { deviceAuthStatus: "FAILED", aadsts: "AADSTS50155" },
      { "Server Error Description": "AADSTS50155: Device authentication failed" },
    );
    const result = classifyPrtFailure({ report });
    expect(result).toMatchObject({ cause: "device-auth-failed", codes: ["aadsts50155"], fromAttemptDiagnostics: true });
    expect(result.evidence.map((e) => e.field)).toEqual(["DeviceAuthStatus", "Server Error Description"]);
  });

  it("leaves 0x0 out of the codes of a match", () => {
    const event = makeEvent({ id: 1084, message: "Network sub-error 0x0 while contacting the server: 0x80072EE2" });
    expect(classifyPrtFailure({ report: failedPrtReport(), events: [event] }).codes).toEqual(["0x80072ee2"]);
  });
});

describe.each([
  ["AD FS's WS-Trust endpoint", "https://sts.contoso.com/adfs/services/trust/13/usernamemixed", true],
  ["AD FS's OAuth endpoint in capitals", "https://sts.contoso.com/ADFS/oauth2/token/", true],
  ["a WS-Trust endpoint without /adfs/", "https://sts.contoso.com/services/trust/2005/windowstransport", true],
  ["a path that only starts like trust", "https://login.contoso.com/services/trustee/token", false],
  ["Entra ID's token endpoint", "https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee/oauth2/token/", false],
])("isAdfsEndpoint: %s", (_name, uri, expected) => {
  it(`is ${expected}`, () => {
    expect(isAdfsEndpoint(uri)).toBe(expected);
  });
});

describe("classifyPrtFailure: local account or unknown", () => {
  const noAccount = { azureAdPrt: false, executingAccount: null };

  it.each([
    ["Entra joined only", makeEntraReport(noAccount)],
    ["domain joined only", makeReport({ ...noAccount, joinType: "domain", azureAdJoined: false })],
  ])("does not infer a local account on a device %s without an executing account", (_name, report) => {
    expect(classifyPrtFailure({ report })).toEqual({ cause: "unknown", label: "cause unknown", evidence: [], codes: [], fromAttemptDiagnostics: false });
  });

  it("takes a work account's session on an unjoined device for no local account", () => {
    const report = makeRegisteredReport({ executingAccount: "CONTOSO\\jdoe, jdoe@contoso.com", domainName: "CONTOSO" });
    expect(causeOf({ report })).toBe("unknown");
  });

  it.each([
    ["a local account", "PC-0142\\localadmin, ", "PC-0142\\localadmin,"],
    ["a personal Microsoft account", "MicrosoftAccount\\jdoe@outlook.com, ", "MicrosoftAccount\\jdoe@outlook.com,"],
  ])("names %s by its Executing Account Name", (_name, executingAccount, value) => {
    expect(classifyPrtFailure({ report: makeReport({ azureAdPrt: false, executingAccount }) })).toEqual({
      cause: "local-account",
      label: "local account (expected)",
      evidence: [{ source: "dsregcmd /status · Diagnostic Data", field: "Executing Account Name", value }],
      codes: [],
      fromAttemptDiagnostics: false,
    });
  });

  it("infers a local account on a workgroup device from its two join lines when Ngc Prerequisite Check is absent", () => {
    const report = makeRegisteredReport({ executingAccount: null });
    expect(classifyPrtFailure({ report }).evidence).toEqual([
      { source: "dsregcmd /status · Device State", field: "AzureAdJoined", value: "NO" },
      { source: "dsregcmd /status · Device State", field: "DomainJoined", value: "NO" },
    ]);
  });
});
