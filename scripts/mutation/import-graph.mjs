// Which files of the project can see a mutant (scripts/mutation/shape-checker.mjs): a mutant changes one file, so a
// compile error it causes can only appear in that file or in a file whose types depend on it, that is a file importing
// it along some chain. The import graph is TypeScript's own: the files tsconfig.json lists, the specifiers
// `ts.preProcessFile` finds in them (imports, re-exports, `import()` also inside types) and `ts.resolveModuleName`.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
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
