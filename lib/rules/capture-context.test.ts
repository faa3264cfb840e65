import { describe, expect, it } from "vitest";
import { detectCaptureContext, parseExecutingAccount } from "@/lib/rules/capture-context";
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
