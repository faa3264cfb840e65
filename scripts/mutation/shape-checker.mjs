// A Stryker checker ("typescript-shape") that gives each mutant the verdict Stryker's TypeScript checker gives it over
// the whole project (tsconfig.json), for a fraction of the CPU (docs/testing.md, "What a mutant costs").
//
// Stryker's checker rebuilds the whole project in watch mode per mutant: TypeScript re-checks only the mutated file
// (and its importers when the file's declarations change), but every rebuild also pays for the program's size (~2,800
// files here with app/, e2e/, tests/, bench/). This checker does what TypeScript's incremental builder does, in two
// smaller programs:
//   1. the mutated file with what it imports: its syntactic and semantic errors, and its declaration output (.d.ts);
//   2. only when that declaration differs from the original's (the file's "shape" changed, the test TypeScript's builder
//      uses to decide which importers to re-check), the files importing it (scripts/mutatio./import-graph.mjs): the
//      direct importers' errors, then the importers of each importer whose own declaration changed, and so on.
// A file that does not import the mutated file, directly or through others, cannot see the change; an importer sees it
// only through the declarations, so when those are unchanged every other file type-checks exactly as before.
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { CheckStatus } from "@stryker-mutator/api/check";
import { commonTokens, declareClassPlugin, PluginKind, tokens } from "@stryker-mutator/api/plugin";
import { dependentClosure, importGraph } from "./import-graph.mjs";

const toPosix = (path) => path.split("\\").join("/");

/** The options Stryker's own checker uses (code-quality errors off) plus a declaration output to compare shapes. */
function checkerOptions(options) {
  return {
    ...options,
    allowUnreachableCode: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    incremental: false,
    composite: false,
    tsBuildInfoFile: undefined,
    plugins: undefined,
  };
}

/**
 * A language service over `roots` in which files can be given other contents (a mutant) than on disk. `versions` is
 * shared by all the services of a checker, as their document registry is: a version names one content everywhere (with
 * a version per service, the registry handed one service the other's parse of a mutated file).
 */
function createService(root, options, roots, contents, versions, registry) {
  const host = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => roots,
    getScriptVersion: (file) => String(versions.get(file) ?? 0),
    getScriptSnapshot: (file) => {
      const text = contents.get(file) ?? ts.sys.readFile(file);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (file) => contents.has(file) || ts.sys.fileExists(file),
    readFile: (file) => contents.get(file) ?? ts.sys.readFile(file),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
  };
  const service = ts.createLanguageService(host, registry);
  return {
    /** Syntactic and semantic errors of `file` (what a `noEmit` build reports for it). */
    errors: (file) => [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)],
    /** The declaration output of `file`: its shape as its importers see it; null when TypeScript produced none. */
    declaration: (file) => {
      const output = service.getEmitOutput(file, true);
      return output.emitSkipped || output.outputFiles.length === 0 ? null : output.outputFiles.map((f) => f.text).join("\n");
    },
    changed: (file) => versions.set(file, (versions.get(file) ?? 0) + 1),
  };
}

export class ShapeChecker {
  static inject = tokens(commonTokens.logger, commonTokens.options);

  constructor(log, options) {
    this.log = log;
    // Stryker starts its checkers in the project's own folder (not the sandbox): tsconfigFile is relative to it.
    this.tsconfig = resolve(options.tsconfigFile ?? "tsconfig.json");
    this.root = dirname(this.tsconfig);
  }

  async init() {
    const config = ts.getParsedCommandLineOfConfigFile(this.tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    if (!config) throw new Error(`typescript-shape: ${this.tsconfig} could not be read`);
    this.options = checkerOptions(config.options);
    this.projectFiles = new Set(config.fileNames.map(toPosix));
    // Files that add to the global scope (scripts without import or export, `declare global`): every program needs them.
    this.globalFiles = config.fileNames.filter((file) => {
      const text = readFileSync(file, "utf8");
      return /\bdeclare\s+global\b/.test(text) || !ts.createSourceFile(file, text, ts.ScriptTarget.Latest).externalModuleIndicator;
    });
    this.graph = importGraph(this.root, relative(this.root, this.tsconfig));
    this.registry = ts.createDocumentRegistry();
    this.contents = new Map();
    this.versions = new Map();
    this.own = new Map(); // mutated file → { service, declaration }
    this.importers = new Map(); // mutated file → { service, declarations: Map }
  }

  /** The small program of one mutated file, and its original declaration. */
  ownProgram(file) {
    let entry = this.own.get(file);
    if (!entry) {
      const service = createService(this.root, this.options, [...new Set([file, ...this.globalFiles])], this.contents, this.versions, this.registry);
      const errors = service.errors(file);
      if (errors.length > 0) throw new Error(`typescript-shape: ${file} does not compile as it is:\n${format(errors)}`);
      entry = { service, declaration: service.declaration(file) };
      this.own.set(file, entry);
    }
    return entry;
  }

  /** The program of a mutated file's importers (created the first time a mutant changes the file's shape). */
  importerProgram(file) {
    let entry = this.importers.get(file);
    if (!entry) {
      const closure = dependentClosure(this.graph, [toPosix(relative(this.root, file))]).map((f) => join(this.root, f));
      entry = {
        service: createService(this.root, this.options, [...new Set([...closure, ...this.globalFiles])], this.contents, this.versions, this.registry),
        declarations: new Map(),
      };
      this.importers.set(file, entry);
    }
    return entry;
  }

  importersOf(file) {
    const name = toPosix(relative(this.root, file));
    return [...this.graph].filter(([, imports]) => imports.has(name)).map(([importer]) => join(this.root, importer));
  }

  /** One mutant's errors, in the mutated file or in any file whose types depend on it. */
  errorsOf(mutant) {
    const file = mutant.fileName;
    if (!this.projectFiles.has(toPosix(file))) return [];
    const own = this.ownProgram(file);
    const original = ts.sys.readFile(file);
    const lines = ts.createSourceFile(file, original, ts.ScriptTarget.Latest);
    const start = lines.getPositionOfLineAndCharacter(mutant.location.start.line, mutant.location.start.column);
    const end = lines.getPositionOfLineAndCharacter(mutant.location.end.line, mutant.location.end.column);
    this.contents.set(file, `${original.slice(0, start)}${mutant.replacement}${original.slice(end)}`);
    own.service.changed(file);
    try {
      const errors = own.service.errors(file);
      // No declaration output to compare (null) is treated as a changed shape: the importers are checked.
      const shape = own.service.declaration(file);
      if (errors.length > 0 || (shape !== null && shape === own.declaration)) return errors;
      return this.importerErrors(file);
    } finally {
      this.contents.delete(file);
      own.service.changed(file);
      this.importers.get(file)?.service.changed(file);
    }
  }

  /** TypeScript's builder's walk: re-check the importers of a file whose declaration changed, and on while theirs do. */
  importerErrors(file) {
    const program = this.importerProgram(file);
    const originalDeclaration = (importer) => {
      if (!program.declarations.has(importer)) {
        const mutated = this.contents.get(file);
        this.contents.delete(file);
        program.service.changed(file);
        // As Stryker's checker refuses a project that does not compile: an importer's own errors would pass for the mutant's.
        const errors = program.service.errors(importer);
        if (errors.length > 0) throw new Error(`typescript-shape: ${importer} does not compile as it is:\n${format(errors)}`);
        program.declarations.set(importer, program.service.declaration(importer));
        this.contents.set(file, mutated);
        program.service.changed(file);
      }
      return program.declarations.get(importer);
    };
    for (const importer of this.importersOf(file)) originalDeclaration(importer);
    program.service.changed(file);
    const seen = new Set([file]);
    const queue = this.importersOf(file);
    while (queue.length > 0) {
      const importer = queue.shift();
      if (seen.has(importer)) continue;
      seen.add(importer);
      const errors = program.service.errors(importer);
      if (errors.length > 0) return errors;
      const before = originalDeclaration(importer);
      const after = program.service.declaration(importer);
      if (after === null || after !== before) queue.push(...this.importersOf(importer));
    }
    return [];
  }

  async check(mutants) {
    /** @type {Record<string, import("@stryker-mutator/api/check").CheckResult>} */
    const results = {};
    for (const mutant of mutants) {
      const errors = this.errorsOf(mutant);
      results[mutant.id] = errors.length > 0 ? { status: CheckStatus.CompileError, reason: format(errors) } : { status: CheckStatus.Passed };
    }
    return results;
  }
}

function format(errors) {
  return ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: process.cwd, getNewLine: () => "\n" });
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Checker, "typescript-shape", ShapeChecker)];
