import { describe, expect, it } from "vitest";
import type { ExportRow } from "./export-source";
import { jsonValue, writeJsonl } from "./write-jsonl";

describe("jsonValue", () => {
  it("is JSON.stringify's text of every kind of value, strings that need escaping included", () => {
    const values = [
      "",
      "plain",
      'q"uote',
      "back\\slash",
      "tab\tnl\ncr\r",
      "\u0000\u001f\u007f",
      "\u2028\u2029",
      "pair 🔒",
      "lone \ud800",
      "\udc00 lone",
      "ünï",
      0,
      -0,
      1.5,
      -3,
      1e21,
      1e-7,
      NaN,
      Infinity,
      true,
      false,
      null,
      [],
      ["a", 'b"'],
      [{ source: "graph", field: "x", value: null }],
    ] as const;
    for (const v of values) expect(jsonValue(v as never), String(v)).toBe(JSON.stringify(v));
    expect(jsonValue(undefined)).toBe("null");
  });
});

describe("writeJsonl", () => {
  it("writes each row as JSON.stringify writes it as an object with the columns' keys in order", async () => {
    const columns = [{ key: "name" }, { key: "n" }, { key: "ok" }, { key: "rules" }, { key: "evidence" }, { key: 'odd "key"\n' }];
    const rows: ExportRow[] = [
      ['=1+1 "q"\n\u2028', 3, true, ["a", "b"], [{ source: "graph", field: "x", value: null }], "é"],
      [null, 0, false, [], [], null],
      ["short"],
    ];
    async function* one() {
      yield rows;
    }
    let text = "";
    for await (const chunk of writeJsonl(columns, one())) text += Buffer.from(chunk).toString("utf8");
    const expected = rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.key, r[i] ?? null]))) + "\n").join("");
    expect(text).toBe(expected);
  });
});
