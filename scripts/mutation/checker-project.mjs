// The TypeScript project Stryker's checker compiles in one mutation run: the mutated files and every file of
// tsconfig.json that imports them, directly or through others (docs/testing.md, "What a mutant costs"). A mutant
// changes one file, so a compile error it causes can only appear in that file or in a file whose types depend on it,
// that is a file importing it along some chain; every other file type-checks as it did before. TypeScript still
// compiles whatever those files import, so each mutant gets the verdict tsconfig.json would give it, for the price of
// a smaller program. The import graph is TypeScript's own: the files tsconfig.json lists, the specifiers
// `ts.preProcessFile` finds in them (imports, re-exports, `import()` also inside types) and `ts.resolveModuleName`.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

const toPosix = (path) => path.split("\\").join("/");

/** tsconfig.json's files and, for each, the files of the project it imports; paths repository-relative. */
export function importGraph(root, tsconfig = "tsconfig.json") {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, tsconfig), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error(`${tsconfig} could not be read`);
  const host = ts.createCompilerHost(config.options);
  const cache = ts.createModuleResolutionCache(root, (name) => name, config.options);
  const graph = new Map();
  for (const fileName of config.fileNames) {
    const imports = new Set();
    const { importedFiles } = ts.preProcessFile(readFileSync(fileName, "utf8"), true, true);
    for (const { fileName: specifier } of importedFiles) {
      const resolved = ts.resolveModuleName(specifier, fileName, config.options, host, cache).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport) imports.add(toPosix(relative(root, resolved.resolvedFileName)));
    }
    graph.set(toPosix(relative(root, fileName)), imports);
  }
  return graph;
}

/** The mutated files and every file of the project that imports one of them, directly or through others; sorted. */
export function dependentClosure(graph, mutated) {
  const importers = new Map();
  for (const [file, imports] of graph) {
    for (const imported of imports) {
      if (!importers.has(imported)) importers.set(imported, []);
      importers.get(imported).push(file);
    }
  }
  const closure = new Set(mutated);
  const queue = [...mutated];
  while (queue.length > 0) {
    for (const importer of importers.get(queue.pop()) ?? []) {
      if (closure.has(importer)) continue;
      closure.add(importer);
      queue.push(importer);
    }
  }
  return [...closure].sort();
}

/** Where the checker's tsconfig of a run is written: the one folder of reports/ Stryker copies into its sandbox. */
export const CHECKER_DIR = "reports/mutation-checker";

/**
 * Writes the tsconfig this run's checker compiles (tsconfig.json's options, only the mutated files and the files that
 * import them) and returns its repository-relative path, how many files it lists, and a function that removes it.
 */
export function writeCheckerTsconfig(root, name, mutated) {
  const path = `${CHECKER_DIR}/${name}-${process.pid}.tsconfig.json`;
  const up = path.split("/").slice(0, -1).map(() => "..");
  const files = dependentClosure(importGraph(root), mutated);
  mkdirSync(dirname(join(root, path)), { recursive: true });
  const config = { extends: [...up, "tsconfig.json"].join("/"), include: [], files: files.map((file) => [...up, file].join("/")) };
  writeFileSync(join(root, path), `${JSON.stringify(config, null, 2)}\n`);
  return {
    path,
    files: files.length,
    remove: () => {
      if (existsSync(join(root, path))) rmSync(join(root, path));
    },
  };
}
