import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dependentClosure, importGraph } from "./import-graph.mjs";
import { createSmallProject } from "./testing/small-project";

/**
 * The files a mutant can reach (scripts/mutation/shape-checker.mjs): the mutated file and whatever imports it, in a
 * small repository shaped like this one (tsconfig.json with the `@/` alias, lib/, app/, tests next to the code).
 */
let project: ReturnType<typeof createSmallProject>;
let root: string;
let write: (path: string, text: string) => void;

beforeEach(() => {
  project = createSmallProject("import-graph-", ["**/*.ts", "**/*.tsx"]);
  ({ root, write } = project);
  write("lib/rules/key.ts", "export function subjectKey(id: string) {\n  return id.toLowerCase();\n}\n");
  write("lib/rules/key.test.ts", 'import { subjectKey } from "./key";\nsubjectKey("A");\n');
  write("lib/rules/index.ts", 'export * from "./key";\n');
  write("lib/rules/uses-type.ts", 'import type { subjectKey } from "@/lib/rules/key";\nexport type Key = ReturnType<typeof subjectKey>;\n');
  write("app/page.tsx", 'import { subjectKey } from "@/lib/rules/index";\nexport const page = subjectKey("x");\n');
  write("app/later.ts", 'export async function later(): Promise<number> {\n  return (await import("../lib/rules/uses-type")) ? 1 : 0;\n}\n');
  write("tests/mocked.test.ts", 'export type Real = typeof import("@/lib/rules/key");\n');
  write("lib/rules/unrelated.ts", 'export const severity = "high";\n');
  write("app/other.tsx", 'import { severity } from "@/lib/rules/unrelated";\nexport const other = severity;\n');
});

afterEach(() => project.remove());

describe("dependentClosure", () => {
  it("holds the mutated file and every file importing it, through re-exports, type imports and import() in code or types", () => {
    expect(dependentClosure(importGraph(root), ["lib/rules/key.ts"])).toEqual([
      "app/later.ts",
      "app/page.tsx",
      "lib/rules/index.ts",
      "lib/rules/key.test.ts",
      "lib/rules/key.ts",
      "lib/rules/uses-type.ts",
      "tests/mocked.test.ts",
    ]);
  });

  it("leaves out the files that do not import a mutated file, and files tsconfig.json excludes", () => {
    write("data/copy.ts", 'import { subjectKey } from "@/lib/rules/key";\n');
    expect(dependentClosure(importGraph(root), ["lib/rules/unrelated.ts"])).toEqual(["app/other.tsx", "lib/rules/unrelated.ts"]);
    expect(dependentClosure(importGraph(root), ["lib/rules/key.ts"])).not.toContain("data/copy.ts");
  });
});
