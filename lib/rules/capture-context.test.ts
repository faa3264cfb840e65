import { describe, expect, it } from "vitest";
import { detectCaptureContext, parseExecutingAccount, prtVisibility } from "@/lib/rules/capture-context";
import { makeEntraReport, makeReport, makeRegisteredReport } from "@/lib/rules/testing/make-report";

describe("parseExecutingAccount", () => {
  it.each([
    ["CONTOSO\\jdoe, jdoe@contoso.com", "domain", "jdoe@contoso.com"],
    ["AzureAD\\JohnDoe, john@contoso.com", "entra", "john@contoso.com"],
    ["PC-0142\\localadmin, ", "local", null],
    ["NT AUTHORITY\\SYSTEM", "system", null],
    ["CONTOSO\\PC-0142$", "system", null],
    ["MicrosoftAccount\\jane@outlook.com, jane@outlook.com", "microsoft-account", "jane@outlook.com"],
    ["FABRIKAM\\ann, ann@fabrikam.com", "domain", "ann@fabrikam.com"],
    ["OTHERPC\\bob, ", "local", null],
  ] as const)("%s is %s", (executingAccount, kind, upn) => {
    const account = parseExecutingAccount(makeReport({ executingAccount }));
    expect(account.kind).toBe(kind);
    expect(account.upn).toBe(upn);
  });

  it("treats a missing line as unknown", () => {
    expect(parseExecutingAccount(makeReport({ executingAccount: null })).kind).toBe("unknown");
  });
});

describe("detectCaptureContext", () => {
  it("is the user's context for the healthy sample", () => {
    expect(detectCaptureContext(makeReport())).toMatchObject({ kind: "user", evidence: [] });
  });

  it("detects SYSTEM from the executing account", () => {
    const context = detectCaptureContext(makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM" }));
    expect(context.kind).toBe("system");
    expect(context.evidence).toEqual([{ source: "dsregcmd /status · Diagnostic Data", field: "Executing Account Name", value: "NT AUTHORITY\\SYSTEM" }]);
  });

  it("detects SYSTEM from the pre-join User Context line", () => {
    const report = makeReport({ executingAccount: null, extra: { "Diagnostic Data": { "User Context": "SYSTEM" } } });
    expect(detectCaptureContext(report).kind).toBe("system");
  });

  it("detects ELEVATED User but not UN-ELEVATED User", () => {
    const elevated = makeReport({ extra: { "Diagnostic Data": { "User Context": "ELEVATED User" } } });
    const unelevated = makeReport({ extra: { "Diagnostic Data": { "User Context": "UN-ELEVATED User" } } });
    expect(detectCaptureContext(elevated).kind).toBe("elevated");
    expect(detectCaptureContext(unelevated).kind).toBe("user");
  });

  it("detects elevation from a KeySignTest that actually ran", () => {
    const report = makeReport({ extra: { "Diagnostic Data": { KeySignTest: "PASSED" } } });
    const context = detectCaptureContext(report);
    expect(context.kind).toBe("elevated");
    expect(context.evidence[0]).toMatchObject({ field: "KeySignTest", value: "PASSED" });
  });

  it("flags a local account on a joined device but not on a registered one", () => {
    expect(detectCaptureContext(makeEntraReport({ executingAccount: "PC-0177\\localadmin, " })).kind).toBe("local-account");
    expect(detectCaptureContext(makeRegisteredReport()).kind).toBe("user");
  });
});

describe("detectCaptureContext on the same report", () => {
  it("answers every rule from one detection, which no caller can change for the others", () => {
    const report = makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM" });
    const first = detectCaptureContext(report);
    expect(detectCaptureContext(report)).toBe(first);
    expect(() => first.evidence.push(first.evidence[0]!)).toThrow(TypeError);
    expect(detectCaptureContext(report).evidence).toHaveLength(1);
    // The SYSTEM capture's labels differ: not the user capture's answer.
    expect(detectCaptureContext(report, "system").evidence[0]!.source).toContain("SYSTEM capture");
  });
});

describe("parseExecutingAccount, line by line", () => {
  const account = (executingAccount: string | null, options: Parameters<typeof makeReport>[0] = {}) =>
    parseExecutingAccount(makeReport({ executingAccount, ...options }));

  it("keeps the name as printed and the UPN, each without the spaces around them", () => {
    expect(account("CONTOSO\\jdoe, jdoe@contoso.com")).toEqual({ kind: "domain", name: "CONTOSO\\jdoe", upn: "jdoe@contoso.com" });
    expect(account("  CONTOSO\\jdoe ,  jdoe@contoso.com  ")).toEqual({ kind: "domain", name: "CONTOSO\\jdoe", upn: "jdoe@contoso.com" });
    expect(account("NT AUTHORITY\\SYSTEM")).toEqual({ kind: "system", name: "NT AUTHORITY\\SYSTEM", upn: null });
  });

  it("has no account for a missing or blank line", () => {
    expect(account(null)).toEqual({ kind: "unknown", name: null, upn: null });
    expect(account("   ")).toEqual({ kind: "unknown", name: null, upn: null });
  });

  it("cannot tell the kind of a name without an authority, and keeps what it has", () => {
    expect(account("jdoe, jdoe@contoso.com")).toEqual({ kind: "unknown", name: "jdoe", upn: "jdoe@contoso.com" });
    expect(account("SYSTEM")).toEqual({ kind: "unknown", name: "SYSTEM", upn: null });
    expect(account(", jdoe@contoso.com")).toEqual({ kind: "unknown", name: null, upn: "jdoe@contoso.com" });
  });

  it("reads the authority without the spaces around the backslash (a hand-edited paste)", () => {
    expect(account("AzureAD \\ JohnDoe, john@contoso.com").kind).toBe("entra");
  });

  it("calls an account of the computer's own name local, even with a UPN (a work account added in Settings)", () => {
    // PC-0142.corp.contoso.com: the authority is the first DNS label, in any case.
    expect(account("pc-0142\\jdoe, jdoe@contoso.com")).toEqual({ kind: "local", name: "pc-0142\\jdoe", upn: "jdoe@contoso.com" });
    expect(account("PC-0142\\jdoe, jdoe@contoso.com", { deviceName: " PC-0142 " }).kind).toBe("local");
    expect(account("PC-0142\\jdoe, jdoe@contoso.com", { deviceName: null }).kind).toBe("domain");
  });

  it("calls an account of the computer's domain a domain account, even without a UPN (an AD account with none set)", () => {
    expect(account("CONTOSO\\svc-scan, ")).toEqual({ kind: "domain", name: "CONTOSO\\svc-scan", upn: null });
    expect(account("contoso\\svc-scan, ", { domainName: " CONTOSO " }).kind).toBe("domain");
    expect(account("CONTOSO\\svc-scan, ", { domainName: null }).kind).toBe("local");
  });
});

describe("detectCaptureContext's evidence", () => {
  const DIAGNOSTIC = "dsregcmd /status · Diagnostic Data";
  const accountLine = (value: string) => ({ source: DIAGNOSTIC, field: "Executing Account Name", value });

  it("quotes the User Context line alone for SYSTEM read from it, and both lines when both say so", () => {
    const byContext = makeReport({ extra: { "Diagnostic Data": { "User Context": "SYSTEM" } } });
    expect(detectCaptureContext(byContext)).toEqual({
      kind: "system",
      account: { kind: "domain", name: "CONTOSO\\jdoe", upn: "jdoe@contoso.com" },
      evidence: [{ source: DIAGNOSTIC, field: "User Context", value: "SYSTEM" }],
    });
    const both = makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM", extra: { "Diagnostic Data": { "User Context": "SYSTEM" } } });
    expect(detectCaptureContext(both).evidence).toEqual([accountLine("NT AUTHORITY\\SYSTEM"), { source: DIAGNOSTIC, field: "User Context", value: "SYSTEM" }]);
  });

  it("reads User Context in any case and spacing", () => {
    const report = makeReport({ extra: { "Diagnostic Data": { "User Context": " system " } } });
    expect(detectCaptureContext(report).kind).toBe("system");
  });

  it("names the executing account as dsregcmd's parse has it when its line is not in the sections", () => {
    const report = makeReport({ executingAccount: "NT AUTHORITY\\SYSTEM", omit: { "Diagnostic Data": ["Executing Account Name"] } });
    expect(detectCaptureContext(report).evidence).toEqual([accountLine("NT AUTHORITY\\SYSTEM")]);
  });

  it("quotes the User Context line and the account for an elevated capture, the KeySignTest only when it ran", () => {
    const elevated = makeReport({ extra: { "Diagnostic Data": { "User Context": "ELEVATED User" } } });
    expect(detectCaptureContext(elevated).evidence).toEqual([
      { source: DIAGNOSTIC, field: "User Context", value: "ELEVATED User" },
      accountLine("CONTOSO\\jdoe, jdoe@contoso.com"),
    ]);
    const ran = makeReport({ executingAccount: null, extra: { "Diagnostic Data": { KeySignTest: "PASSED" } } });
    expect(detectCaptureContext(ran)).toEqual({
      kind: "elevated",
      account: { kind: "unknown", name: null, upn: null },
      evidence: [{ source: DIAGNOSTIC, field: "KeySignTest", value: "PASSED" }],
    });
  });

  it("does not take an empty KeySignTest for one that ran", () => {
    const report = makeReport({ extra: { "Diagnostic Data": { KeySignTest: "" } } });
    expect(detectCaptureContext(report)).toMatchObject({ kind: "user", evidence: [] });
  });

  it("flags a personal Microsoft account on a joined device, with the account line as evidence", () => {
    const report = makeEntraReport({ executingAccount: "MicrosoftAccount\\jane@outlook.com, jane@outlook.com" });
    expect(detectCaptureContext(report)).toEqual({
      kind: "local-account",
      account: { kind: "microsoft-account", name: "MicrosoftAccount\\jane@outlook.com", upn: "jane@outlook.com" },
      evidence: [accountLine("MicrosoftAccount\\jane@outlook.com, jane@outlook.com")],
    });
  });

  it("reads these lines from Diagnostic Data, not from another section's lines of the same name", () => {
    const report = makeReport({ extra: { "Diagnostic Data": { "User Context": "ELEVATED User", KeySignTest: "PASSED" } } });
    report.sections.unshift({
      name: "Ngc Prerequisite Check",
      fields: [
        { key: "User Context", value: "UN-ELEVATED User" },
        { key: "KeySignTest", value: "MUST Run elevated to test." },
        { key: "Executing Account Name", value: "CONTOSO\\other, other@contoso.com" },
      ],
    });
    expect(detectCaptureContext(report).evidence).toEqual([
      { source: DIAGNOSTIC, field: "User Context", value: "ELEVATED User" },
      { source: DIAGNOSTIC, field: "KeySignTest", value: "PASSED" },
      accountLine("CONTOSO\\jdoe, jdoe@contoso.com"),
    ]);
  });
});

describe("prtVisibility", () => {
  // An administrator's elevated `runas` session on jdoe's device, AzureAdPrt NO: the attempt diagnostics name the user.
  const elevatedAdmin = (identity: string) =>
    makeReport({
      executingAccount: "CONTOSO\\admin-ann, admin-ann@contoso.com",
      azureAdPrt: false,
      prtUpdateTime: null,
      extra: { "Diagnostic Data": { "User Context": "ELEVATED User" }, "SSO State": { "User Identity": identity } },
    });

  it("cannot judge another account's PRT from an elevated capture, and quotes the attempt's User Identity", () => {
    const visibility = prtVisibility(elevatedAdmin("jdoe@contoso.com"));
    expect(visibility).toMatchObject({ known: false, reason: "other-account" });
    expect(!visibility.known && visibility.evidence.at(-1)).toEqual({
      source: "dsregcmd /status · SSO State",
      field: "User Identity",
      value: "jdoe@contoso.com",
    });
  });

  it("judges the attempt of the executing account itself, in any case", () => {
    expect(prtVisibility(elevatedAdmin("ADMIN-ANN@contoso.com")).known).toBe(true);
  });

  it("reads User Identity from SSO State, not from another section's line of the same name", () => {
    const report = elevatedAdmin("jdoe@contoso.com");
    report.sections.unshift({ name: "Work Account 1", fields: [{ key: "User Identity", value: "admin-ann@contoso.com" }] });
    expect(prtVisibility(report)).toMatchObject({ known: false, reason: "other-account" });
  });
});
