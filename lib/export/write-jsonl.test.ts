import { describe, expect, it } from "vitest";
import type { ExportRow } from "./export-source";
import { writeJsonl } from "./write-jsonl";

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
