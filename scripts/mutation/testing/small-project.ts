import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * A throwaway project shaped like this repository for the mutation scripts' tests: a tsconfig.json with its strictness,
 * bundler resolution and `@/` alias (no packages' types, so a program compiles in a second), files written on demand.
 */
export function createSmallProject(prefix: string, include: string[]) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const compilerOptions = {
    target: "ES2022",
    lib: ["ES2023"],
    types: [],
    strict: true,
    noEmit: true,
    module: "esnext",
    moduleResolution: "bundler",
    jsx: "react-jsx",
    paths: { "@/*": ["./*"] },
  };
  write("tsconfig.json", JSON.stringify({ compilerOptions, include, exclude: ["node_modules", "data"] }));
  return { root, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}
