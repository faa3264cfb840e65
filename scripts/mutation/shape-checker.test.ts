import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ShapeChecker } from "./shape-checker.mjs";
import { createSmallProject } from "./testing/small-project";

/**
 * The mutation runs' TypeScript checker (typescript-shape) against the reference it replaces: a type-check of the
 * whole project with the mutant in place. A small project shaped like this one: a module with an inferred return type,
 * a file that uses it, one that re-exports a function built on it and one that uses that (two rings of importers).
 */
let project: ReturnType<typeof createSmallProject>;
let root: string;
let write: (path: string, text: string) => void;
const log = { debug() {}, trace() {}, info() {}, warn() {}, error() {}, fatal() {}, isTraceEnabled: () => false, isDebugEnabled: () => false };

const SIZE =
  'export function sizeOf(n: number) {\n  return n > 10 ? "big" : "small";\n}\nexport function half(n: number): number {\n  return n / 2;\n}\nexport function limits() {\n  return { max: 2 };\n}\n';

beforeEach(() => {
  project = createSmallProject("shape-checker-", ["**/*.ts"]);
  ({ root, write } = project);
  write("lib/size.ts", SIZE);
  write("lib/label.ts", 'import { limits, sizeOf } from "@/lib/size";\nexport const label: string = sizeOf(3);\nexport const shown: object = limits();\n');
  write("lib/twice.ts", 'import { sizeOf } from "./size";\nexport const sizeTwice = (n: number) => sizeOf(n * 2);\n');
  write("app/page.ts", 'import { sizeTwice } from "@/lib/twice";\nexport const heading: "big!" | "small!" = `${sizeTwice(4)}!`;\n');
  write("lib/other.ts", "export const other: number = 1;\n");
});

afterEach(() => project.remove());

/** A mutant as Stryker hands it to a checker: 0-based lines, the replaced range and its replacement. */
function mutantOf(id: string, file: string, original: string, replacement: string) {
  const text = readFileSync(join(root, file), "utf8");
  const start = text.indexOf(original);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  const at = (pos: number) => {
    const { line, character } = source.getLineAndCharacterOfPosition(pos);
    return { line, column: character };
  };
  return { id, fileName: join(root, file), mutatorName: "test", replacement, location: { start: at(start), end: at(start + original.length) } };
}

/** The reference: the files with errors when the whole project is type-checked with the mutant written in. */
function wholeProjectErrors(mutant: ReturnType<typeof mutantOf>, original: string) {
  const text = readFileSync(mutant.fileName, "utf8");
  writeFileSync(mutant.fileName, text.replace(original, mutant.replacement));
  try {
    const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    return [...new Set(ts.getPreEmitDiagnostics(ts.createProgram(config.fileNames, config.options)).map((d) => d.file!.fileName.slice(root.length + 1)))];
  } finally {
    writeFileSync(mutant.fileName, text);
  }
}

describe("typescript-shape", () => {
  const cases: Array<[string, string, string, string[]]> = [
    ["an error in the mutated file", "return n / 2;", 'return "half";', ["lib/size.ts"]],
    ["a changed shape breaking a direct importer", '{\n  return n > 10 ? "big" : "small";\n}', "{}", ["app/page.ts", "lib/label.ts"]],
    ["a changed shape breaking only a file that imports the mutated one through another", '"big" : "small"', '"big" : "tiny"', ["app/page.ts"]],
    ["a changed shape no importer minds", "{ max: 2 }", "{}", []],
    ["a body change behind a declared type", "n / 2", "n * 2", []],
  ];

  it.each(cases)("gives the whole project's verdict: %s", async (_, original, replacement, errorsIn) => {
    const mutant = mutantOf("1", "lib/size.ts", original, replacement);
    expect(wholeProjectErrors(mutant, original)).toEqual(errorsIn);
    const checker = new ShapeChecker(log, { tsconfigFile: join(root, "tsconfig.json") });
    await checker.init();
    const result = (await checker.check([mutant]))["1"]!;
    expect(result.status).toBe(errorsIn.length > 0 ? "compileError" : "passed");
  });

  it("judges each mutant of a run on the original code, whatever the mutants before it changed", async () => {
    const checker = new ShapeChecker(log, { tsconfigFile: join(root, "tsconfig.json") });
    await checker.init();
    const verdicts = [];
    for (const [i, [, original, replacement]] of cases.entries())
      verdicts.push((await checker.check([mutantOf(String(i), "lib/size.ts", original, replacement)]))[String(i)]!.status);
    for (const [i, [, original, replacement]] of [...cases.entries()].reverse())
      verdicts.push((await checker.check([mutantOf(String(i), "lib/size.ts", original, replacement)]))[String(i)]!.status);
    const expected = cases.map(([, , , errorsIn]) => (errorsIn.length > 0 ? "compileError" : "passed"));
    expect(verdicts).toEqual([...expected, ...[...expected].reverse()]);
  });

  it("refuses to judge a mutant by an importer that does not compile as it is", async () => {
    write("lib/label.ts", 'import { limits, sizeOf } from "@/lib/size";\nexport const label: number = sizeOf(3);\nexport const shown: object = limits();\n');
    const checker = new ShapeChecker(log, { tsconfigFile: join(root, "tsconfig.json") });
    await checker.init();
    await expect(checker.check([mutantOf("1", "lib/size.ts", "{ max: 2 }", "{}")])).rejects.toThrow(/label\.ts does not compile as it is/);
  });

  it("refuses to start on a file that does not compile as it is", async () => {
    write("lib/other.ts", 'export const other: number = "one";\n');
    const checker = new ShapeChecker(log, { tsconfigFile: join(root, "tsconfig.json") });
    await checker.init();
    await expect(checker.check([mutantOf("1", "lib/other.ts", '"one"', '"two"')])).rejects.toThrow(/does not compile as it is/);
  });
});
