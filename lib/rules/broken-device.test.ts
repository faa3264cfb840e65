import { describe, expect, it } from "vitest";
import { classifyOutlook, OUTLOOK_LABEL, outlookFacts, type OutlookFacts } from "@/lib/rules/broken-device";

// One device's open findings as the findings pass hands them over (rule id, stored severity, isPrimary).
const finding = (rule: string, severity: string, primary = false) => ({ rule, severity, primary });

describe("outlookFacts", () => {
  it("has no facts for no findings, or for findings below high", () => {
    const none: OutlookFacts = { seriousPrimary: null, firstNow: null, outOfScope: false };
    expect(outlookFacts([])).toEqual(none);
    expect(
      outlookFacts([
        finding("object-disabled", "medium", true),
        finding("prt-expired", "low"),
        finding("out-of-sync-scope", "info"),
        finding("cert-expired", "medium"),
      ]),
    ).toEqual(none);
  });

  it("counts high and critical findings, and reads a stored severity that is none of the five as info", () => {
    expect(outlookFacts([finding("object-disabled", "high", true)])).toEqual({
      seriousPrimary: "object-disabled",
      firstNow: "1:object-disabled",
      outOfScope: false,
    });
    expect(outlookFacts([finding("device-auth-failed", "critical")])).toEqual({ seriousPrimary: null, firstNow: "0:device-auth-failed", outOfScope: false });
    expect(outlookFacts([finding("object-deleted", "High", true), finding("object-deleted", "toString", true)])).toEqual({
      seriousPrimary: null,
      firstNow: null,
      outOfScope: false,
    });
  });

  it("takes the most severe finding of a rule that unregisters the device now, ties by rule id", () => {
    expect(outlookFacts([finding("object-disabled", "high"), finding("prt-missing", "critical"), finding("device-auth-failed", "high")]).firstNow).toBe(
      "0:prt-missing",
    );
    expect(outlookFacts([finding("thumbprint-mismatch", "high"), finding("cert-expired", "high"), finding("not-joined", "high")]).firstNow).toBe(
      "1:cert-expired",
    );
    expect(outlookFacts([finding("cert-expired", "high"), finding("thumbprint-mismatch", "high")]).firstNow).toBe("1:cert-expired");
  });

  it("leaves out rules that do not unregister the device, however severe", () => {
    expect(outlookFacts([finding("prt-stale", "critical"), finding("duplicate-device", "high"), finding("stale-device", "high")])).toEqual({
      seriousPrimary: null,
      firstNow: null,
      outOfScope: false,
    });
  });

  it("names the primary finding only when it is serious and marked primary, the greatest rule id if several are", () => {
    expect(outlookFacts([finding("object-deleted", "high"), finding("prt-missing", "critical")]).seriousPrimary).toBeNull();
    expect(outlookFacts([finding("object-deleted", "high", true), finding("thumbprint-mismatch", "high", true)]).seriousPrimary).toBe("thumbprint-mismatch");
    expect(outlookFacts([finding("thumbprint-mismatch", "high", true), finding("object-deleted", "high", true)]).seriousPrimary).toBe("thumbprint-mismatch");
    expect(outlookFacts([finding("prt-stale", "high", true)])).toEqual({ seriousPrimary: "prt-stale", firstNow: null, outOfScope: false });
  });

  it("notes an out-of-sync-scope finding at high or critical", () => {
    expect(outlookFacts([finding("out-of-sync-scope", "high", true)])).toEqual({ seriousPrimary: "out-of-sync-scope", firstNow: null, outOfScope: true });
    expect(outlookFacts([finding("out-of-sync-scope", "critical")]).outOfScope).toBe(true);
    expect(outlookFacts([finding("out-of-sync-scope", "medium")]).outOfScope).toBe(false);
    expect(outlookFacts([finding("object-deleted", "critical")]).outOfScope).toBe(false);
  });
});

describe("classifyOutlook", () => {
  it("is unregistered now with a rule that unregisters it, the serious primary finding as the cause", () => {
    expect(classifyOutlook({ seriousPrimary: null, firstNow: "1:object-disabled", outOfScope: false }, true)).toEqual({
      outlook: "now",
      cause: "object-disabled",
    });
    expect(classifyOutlook({ seriousPrimary: "object-deleted", firstNow: "0:device-auth-failed", outOfScope: true }, false)).toEqual({
      outlook: "now",
      cause: "object-deleted",
    });
    expect(classifyOutlook({ seriousPrimary: null, firstNow: "0:device-auth-failed", outOfScope: true }, true)).toEqual({
      outlook: "now",
      cause: "device-auth-failed",
    });
  });

  it("is unregistered now when the computer is out of sync scope and its object is gone, at risk while it is live", () => {
    expect(classifyOutlook({ seriousPrimary: null, firstNow: null, outOfScope: true }, false)).toEqual({ outlook: "now", cause: "out-of-sync-scope" });
    expect(classifyOutlook({ seriousPrimary: "out-of-sync-scope", firstNow: null, outOfScope: true }, false)).toEqual({
      outlook: "now",
      cause: "out-of-sync-scope",
    });
    expect(classifyOutlook({ seriousPrimary: "out-of-sync-scope", firstNow: null, outOfScope: true }, true)).toEqual({
      outlook: "next",
      cause: "out-of-sync-scope",
    });
  });

  it("is nothing without those facts, whether the object is live or not", () => {
    expect(classifyOutlook({ seriousPrimary: null, firstNow: null, outOfScope: false }, true)).toBeNull();
    expect(classifyOutlook({ seriousPrimary: null, firstNow: null, outOfScope: false }, false)).toBeNull();
    expect(classifyOutlook({ seriousPrimary: "prt-stale", firstNow: null, outOfScope: false }, false)).toBeNull();
  });

  it("reads the cause from the findings through outlookFacts", () => {
    const open = [finding("prt-missing", "high"), finding("object-disabled", "high", true), finding("prt-stale", "medium")];
    expect(classifyOutlook(outlookFacts(open), false)).toEqual({ outlook: "now", cause: "object-disabled" });
    expect(OUTLOOK_LABEL).toEqual({ now: "Unregistered now", next: "At risk: unregistered at the next Entra Connect sync cycle" });
  });
});
