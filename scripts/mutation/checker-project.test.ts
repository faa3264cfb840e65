import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import ts from "typescript";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dependentClosure, importGraph, writeCheckerTsconfig } from "./checker-project.mjs";

/**
 * The project the mutation run's TypeScript checker compiles: the mutated file and whatever imports it, in a small
 * repository shaped like this one (tsconfig.json with the `@/` alias, lib/, app/, tests next to the code).
 */
let root: string;

function write(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "checker-project-"));
  write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: { target: "ES2022", lib: ["ES2023"], types: [], strict: true, noEmit: true, module: "esnext", moduleResolution: "bundler", jsx: "react-jsx", paths: { "@/*": ["./*"] } },
      include: ["**/*.ts", "**/*.tsx"],
      exclude: ["node_modules", "data"],
    }),
  );
  write("lib/rules/key.ts", 'export function subjectKey(id: string) {\n  return id.toLowerCase();\n}\n');
  write("lib/rules/key.test.ts", 'import { subjectKey } from "./key";\nsubjectKey("A");\n');
  write("lib/rules/index.ts", 'export * from "./key";\n');
  write("lib/rules/uses-type.ts", 'import type { subjectKey } from "@/lib/rules/key";\nexport type Key = ReturnType<typeof subjectKey>;\n');
  write("app/page.tsx", 'import { subjectKey } from "@/lib/rules/index";\nexport const page = subjectKey("x");\n');
  write("app/later.ts", 'export async function later(): Promise<number> {\n  return (await import("../lib/rules/uses-type")) ? 1 : 0;\n}\n');
  write("tests/mocked.test.ts", 'export type Real = typeof import("@/lib/rules/key");\n');
  write("lib/rules/unrelated.ts", 'export const severity = "high";\n');
  write("app/other.tsx", 'import { severity } from "@/lib/rules/unrelated";\nexport const other = severity;\n');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

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

describe("writeCheckerTsconfig", () => {
  it("writes a tsconfig with tsconfig.json's options that compiles those files, a type error in an importer included", () => {
    const checker = writeCheckerTsconfig(root, "rules", ["lib/rules/key.ts"]);
    expect(checker.files).toBe(7);
    // A mutant making subjectKey return a number breaks a file that only imports it through another.
    write("lib/rules/key.ts", "export function subjectKey(id: string) {\n  return id.length;\n}\n");
    write("app/page.tsx", 'import { subjectKey } from "@/lib/rules/index";\nexport const page: string = subjectKey("x");\n');
    const config = ts.getParsedCommandLineOfConfigFile(join(root, checker.path), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    expect(config.options.strict).toBe(true);
    expect(config.fileNames.map((f) => f.slice(root.length + 1)).sort()).toEqual(dependentClosure(importGraph(root), ["lib/rules/key.ts"]));
    const errors = ts.getPreEmitDiagnostics(ts.createProgram(config.fileNames, config.options)).map((d) => `${d.file?.fileName.slice(root.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
    expect(errors).toEqual(["app/page.tsx: Type 'number' is not assignable to type 'string'."]);
    expect(JSON.parse(readFileSync(join(root, checker.path), "utf8")).include).toEqual([]);
    checker.remove();
    expect(existsSync(join(root, checker.path))).toBe(false);
  });
});
