/**
 * Static checks of public/agent/Invoke-JoinScopeAgent.ps1 without Windows: the script is parsed with
 * the tree-sitter PowerShell grammar (WASM build shipped in @vscode/tree-sitter-wasm, the one VS Code
 * uses), then the tree is searched for syntax errors, PowerShell 7-only operators and the field names of
 * the upload. The behaviour checks (./powershell-checks.ts) and the evaluator (./powershell-evaluator.ts) build
 * on the same tree.
 */
import { createRequire } from "node:module";
import type { Parser as ParserType } from "@vscode/tree-sitter-wasm";

const require = createRequire(import.meta.url);

let parserPromise: Promise<ParserType> | null = null;

async function loadParser(): Promise<ParserType> {
  // The package is a UMD bundle; createRequire loads it the same way in vitest and tsx.
  const mod = require("@vscode/tree-sitter-wasm") as typeof import("@vscode/tree-sitter-wasm");
  const wasmDir = require.resolve("@vscode/tree-sitter-wasm/package.json").replace(/package\.json$/, "wasm/");
  await mod.Parser.init({ locateFile: (file: string) => wasmDir + file });
  const language = await mod.Language.load(wasmDir + "tree-sitter-powershell.wasm");
  const parser = new mod.Parser();
  parser.setLanguage(language);
  return parser;
}

/**
 * A node of the parsed script as plain JavaScript objects. web-tree-sitter builds a new wrapper object (and crosses
 * into WASM) on every `children` or `parent` access; the checks walk the tree many times, so it is copied once.
 * Indices are the script string's (UTF-16) indices, as web-tree-sitter reports them for a string input.
 */
export class PsNode {
  readonly children: PsNode[] = [];
  parent: PsNode | null = null;
  fieldName: string | null = null;
  private cachedText: string | null = null;
  constructor(
    private readonly source: string,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly startPosition: { row: number; column: number },
  ) {}
  get text(): string {
    this.cachedText ??= this.source.slice(this.startIndex, this.endIndex);
    return this.cachedText;
  }
  get isError(): boolean {
    return this.type === "ERROR";
  }
  get namedChildren(): PsNode[] {
    return this.children.filter((c) => c.isNamed);
  }
  get childCount(): number {
    return this.children.length;
  }
  child(index: number): PsNode | null {
    return this.children[index] ?? null;
  }
  childForFieldName(name: string): PsNode | null {
    return this.children.find((c) => c.fieldName === name) ?? null;
  }
}

export interface PsTree {
  rootNode: PsNode;
  source: string;
}

export async function parsePowerShell(text: string): Promise<PsTree> {
  parserPromise ??= loadParser();
  const tree = (await parserPromise).parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree");
  try {
    const cursor = tree.walk();
    const make = (parent: PsNode | null): PsNode => {
      const node = new PsNode(text, cursor.nodeType, cursor.nodeIsNamed, cursor.nodeIsMissing, cursor.startIndex, cursor.endIndex, { ...cursor.startPosition });
      node.parent = parent;
      node.fieldName = cursor.currentFieldName;
      if (cursor.gotoFirstChild()) {
        do node.children.push(make(node));
        while (cursor.gotoNextSibling());
        cursor.gotoParent();
      }
      return node;
    };
    const rootNode = make(null);
    cursor.delete();
    return { rootNode, source: text };
  } finally {
    tree.delete();
  }
}

export interface SyntaxProblem {
  line: number;
  column: number;
  kind: "ERROR" | "MISSING";
  text: string;
}

const descendants = new WeakMap<PsNode, PsNode[]>();

/** `node` and everything under it, depth first (cached: the checks walk the same subtrees many times). */
export function walk(node: PsNode): PsNode[] {
  let all = descendants.get(node);
  if (!all) {
    all = [];
    const stack = [node];
    while (stack.length) {
      const current = stack.pop()!;
      all.push(current);
      for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i]!);
    }
    descendants.set(node, all);
  }
  return all;
}

/** ERROR and MISSING nodes: where the grammar could not make sense of the script. */
export function findSyntaxProblems(tree: PsTree): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  for (const node of walk(tree.rootNode)) {
    if (node.isError || node.isMissing) {
      problems.push({
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        kind: node.isMissing ? "MISSING" : "ERROR",
        text: node.text.slice(0, 80),
      });
    }
  }
  return problems;
}

/** The script with every string literal and comment replaced by spaces (line breaks kept), so that
 * operator checks do not trip over text such as "jsa_..." or a `?` in help. */
export function codeWithoutStringsAndComments(text: string, tree: PsTree): string {
  const blank = new Uint8Array(text.length);
  for (const node of walk(tree.rootNode)) {
    if (node.type === "comment" || node.type === "string_literal") blank.fill(1, node.startIndex, node.endIndex);
  }
  let out = "";
  for (let i = 0; i < text.length; i++) out += blank[i] && text[i] !== "\n" && text[i] !== "\r" ? " " : text[i];
  return out;
}

export interface OperatorHit {
  line: number;
  operator: string;
}

/**
 * Operators that Windows PowerShell 5.1 cannot parse: `??`, `??=`, `?.`, `?[`, `&&`, `||`, the
 * ternary `a ? b : c`, and `ForEach-Object -Parallel`. `?` as the Where-Object alias is flagged too
 * (it reads like a ternary and aliases are best avoided in scripts).
 */
export function findPs7OnlySyntax(code: string): OperatorHit[] {
  const hits: OperatorHit[] = [];
  const patterns: [RegExp, string][] = [
    [/\?\?=?/g, "??"],
    [/\$\{?[\w:]+\}?\?(\.|\[)/g, "?. / ?["],
    [/&&/g, "&&"],
    [/\|\|/g, "||"],
    [/(^|[\s(|])\?(?=[\s{(])/g, "? (ternary or Where-Object alias)"],
    [/-Parallel\b/gi, "-Parallel"],
  ];
  code.split(/\r?\n/).forEach((lineText, index) => {
    for (const [pattern, operator] of patterns) {
      pattern.lastIndex = 0;
      if (pattern.test(lineText)) hits.push({ line: index + 1, operator });
    }
  });
  return hits;
}

/**
 * The keys an object gets in the script: those of the hashtable literal assigned to `$name`
 * (`$name = [ordered]@{ key = ... }`) plus those set later with `$name['key'] = ...` or `$name.key = ...`.
 */
export function findHashtableKeys(tree: PsTree, variable: string): string[] {
  const keys = new Set<string>();
  const target = `$${variable}`.toLowerCase();
  for (const node of walk(tree.rootNode)) {
    if (node.type !== "assignment_expression") continue;
    const left = node.child(0);
    const value = node.childForFieldName("value");
    if (!left || !value) continue;
    const leftText = left.text.trim();
    if (leftText.toLowerCase() === target) {
      const hashtable = [...walk(value)].find((n) => n.type === "hash_literal_expression");
      if (!hashtable) continue;
      const body = hashtable.children.find((n) => n?.type === "hash_literal_body");
      for (const entry of body?.children ?? []) {
        if (entry?.type !== "hash_entry") continue;
        const key = entry.children.find((n) => n?.type === "key_expression");
        if (key) keys.add(key.text.replace(/^['"]|['"]$/g, ""));
      }
      continue;
    }
    const indexed = /^\$(\w+)(?:\[\s*['"](\w+)['"]\s*\]|\.(\w+))$/.exec(leftText);
    if (indexed && `$${indexed[1]}`.toLowerCase() === target) keys.add((indexed[2] ?? indexed[3])!);
  }
  return [...keys];
}
