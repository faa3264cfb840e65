import { describe, expect, it } from "vitest";
import { inlineParams } from "./direct";

describe("inlineParams (COPY's parameters as literals, decision 049)", () => {
  it("writes each value as a quoted literal in placeholder order, NULL for null and undefined", () => {
    expect(inlineParams(`SELECT 1 WHERE "a" = ? AND "b" > ? AND "c" = ? AND "d" IS NOT DISTINCT FROM ?`, ["x", 3, true, null])).toBe(
      `SELECT 1 WHERE "a" = 'x' AND "b" > '3' AND "c" = 'true' AND "d" IS NOT DISTINCT FROM NULL`,
    );
    expect(inlineParams(`? ?`, [undefined, ""])).toBe(`NULL ''`);
  });

  it("doubles quotes, and doubles backslashes under an E'' prefix, so no value ends its literal", () => {
    expect(inlineParams(`?`, ["it's"])).toBe(`'it''s'`);
    expect(inlineParams(`?`, [`a\\'; DROP TABLE "Tenant"; --`])).toBe(` E'a\\\\''; DROP TABLE "Tenant"; --'`);
  });

  it("refuses a statement whose placeholders and parameters do not match in number", () => {
    expect(() => inlineParams(`? ?`, ["a"])).toThrow(/more placeholders/);
    expect(() => inlineParams(`?`, ["a", "b"])).toThrow(/2 parameters for 1 placeholders/);
  });
});
