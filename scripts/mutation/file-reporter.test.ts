import { describe, expect, it } from "vitest";
import { fileCompletion } from "./file-reporter.mjs";

describe("fileCompletion (npm run test:mutation -- --record records each file as soon as its mutants are all tested)", () => {
  it("hands over a file once every mutant planned for it has a result, in the order files finish, and never twice", () => {
    const done: [string, string[]][] = [];
    const c = fileCompletion(
      (name: string) => name.replace(/^\/repo\//, ""),
      (file: string, results: { id: string }[]) => done.push([file, results.map((r) => r.id)]),
    );
    c.planned(["/repo/lib/a.ts", "/repo/lib/b.ts", "/repo/lib/a.ts", "/repo/lib/c.ts"]);
    c.tested({ fileName: "/repo/lib/a.ts", id: "1" });
    c.tested({ fileName: "/repo/lib/c.ts", id: "4" });
    expect(done).toEqual([["lib/c.ts", ["4"]]]);
    c.tested({ fileName: "/repo/lib/b.ts", id: "2" });
    c.tested({ fileName: "/repo/lib/a.ts", id: "3" });
    expect(done).toEqual([
      ["lib/c.ts", ["4"]],
      ["lib/b.ts", ["2"]],
      ["lib/a.ts", ["1", "3"]],
    ]);
  });

  it("hands over nothing before the plan is known, nor a file with mutants still untested", () => {
    const done: string[] = [];
    const c = fileCompletion(
      (name: string) => name,
      (file: string) => done.push(file),
    );
    c.planned(["a", "a", "a"]);
    c.tested({ fileName: "a" });
    c.tested({ fileName: "a" });
    expect(done).toEqual([]);
  });
});
