import { describe, expect, it } from "vitest";
import { UNREGISTERED_NOW_RULES, OUT_OF_SCOPE_RULE } from "@/lib/rules/broken-device";
import { causeWords } from "@/lib/rules/cause-words";

describe("causeWords", () => {
  it("has its own words for every rule that can be a broken device's cause", () => {
    for (const rule of [...UNREGISTERED_NOW_RULES, OUT_OF_SCOPE_RULE]) {
      const words = causeWords(rule, "A finding title that must not be used");
      expect(words.action, rule).not.toBe("See the device page for the fix");
      expect(words.cause, rule).not.toBe("A finding title that must not be used");
      expect(words.risk, rule).toMatch(/^(Low|Medium|High|Depends)\b/);
    }
  });

  it("gives a known rule's words whatever title its finding has", () => {
    expect(causeWords("object-disabled", "Device object is disabled in Microsoft Entra ID")).toEqual({
      cause: "Device object disabled in Entra ID",
      action: "Re-enable the device object (no re-join needed)",
      risk: "Low: re-enables the object; nothing on the device changes",
    });
    expect(causeWords("cert-expired")).toEqual({
      cause: "Device certificate expired",
      action: "Re-register the device",
      risk: "Medium: the device's registration is replaced; back up its BitLocker keys first, the user signs in again",
    });
  });

  it("reads a rule without words of its own as its finding's title, else as its id without hyphens", () => {
    expect(causeWords("prt-stale", "Primary Refresh Token not renewed for 9 hours")).toEqual({
      cause: "Primary Refresh Token not renewed for 9 hours",
      action: "See the device page for the fix",
      risk: "See the device page",
    });
    expect(causeWords("user-context-not-captured").cause).toBe("user context not captured");
    expect(causeWords("user-context-not-captured", null).cause).toBe("user context not captured");
    expect(causeWords("user-context-not-captured", "").cause).toBe("user context not captured");
  });

  it("takes no words from inherited object keys (a cause from the URL's ?cause=)", () => {
    for (const rule of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      expect(causeWords(rule), rule).toEqual({ cause: rule, action: "See the device page for the fix", risk: "See the device page" });
    }
  });
});
