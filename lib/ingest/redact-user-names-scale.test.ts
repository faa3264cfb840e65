import { describe, expect, it } from "vitest";
import { accountNames, protectUserNames, userToken } from "./redact-user-names";

/**
 * The one-pass redaction's cost on an upload built to be expensive, apart from redact-user-names.test.ts: its mutation
 * run (docs/testing.md) leaves this file out, since the instrumented code takes longer than the test's time limit on
 * a loaded machine and every mutant of the file would run it.
 */
const salt = "s3cret";

describe("protectUserNames in one pass", () => {
  it("redacts 40,000 distinct UPN-shaped strings and 8,000 accounts (minutes before: one pattern per name)", () => {
    const upns = Array.from({ length: 40_000 }, (_, i) => `u${i.toString(36)}@c.io`).join(" ");
    const out = protectUserNames(upns, [], salt);
    const tokens = out.split(" ");
    expect(tokens).toHaveLength(40_000);
    // Six hex digits collide now and then among 40,000 names, so each is compared with its own token.
    expect(tokens.every((t, i) => t === `${userToken(`u${i.toString(36)}`, salt)}@c.io`)).toBe(true);

    const lines = Array.from({ length: 8_000 }, (_, i) => `Executing Account Name : CONTOSO\\u${i}`).join("\r\n");
    const accounts = accountNames([lines]);
    expect(accounts).toHaveLength(8_000);
    const redacted = protectUserNames(lines, accounts, salt);
    expect(redacted).not.toMatch(/CONTOSO\\u\d/);
    expect(redacted.split("\r\n")[7_999]).toBe(`Executing Account Name : CONTOSO\\${userToken("u7999", salt)}`);
  });
});
