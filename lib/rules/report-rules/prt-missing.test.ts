import { describe, expect, it } from "vitest";
import { prtMissingRule } from "@/lib/rules/report-rules/prt-missing";
import { makeEntraReport, makeInput } from "@/lib/rules/testing/make-report";

describe("prt-missing: whose PRT", () => {
  it.each([
    ["the account's UPN", "AzureAD\\JohnDoe, john@contoso.com", "AzureAdPrt is NO for john@contoso.com. "],
    ["the account's name when it prints no UPN", "AzureAD\\JohnDoe, ", "AzureAdPrt is NO for AzureAD\\JohnDoe. "],
    ["the signed-in user when no account is printed", null, "AzureAdPrt is NO for the signed-in user. "],
  ])("names %s", (_name, executingAccount, start) => {
    const report = makeEntraReport({ azureAdPrt: false, prtUpdateTime: null, prtExpiryTime: null, executingAccount });
    const findings = prtMissingRule.evaluate(makeInput({ report }));
    expect(findings.map((f) => f.explanation.slice(0, start.length))).toEqual([start]);
  });
});
