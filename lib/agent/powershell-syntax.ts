/**
 * Static checks of public/agent/Invoke-JoinScopeAgent.ps1 without Windows: the script is parsed with
 * the tree-sitter PowerShell grammar (WASM build shipped in @vscode/tree-sitter-wasm, the one VS Code
 * uses), then the tree is searched for syntax errors, PowerShell 7-only operators, token logging and
 * the field names of the upload.
 */
import { createRequire } from "node:module";
import type { Node, Parser as ParserType, Tree } from "@vscode/tree-sitter-wasm";

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

export async function parsePowerShell(text: string): Promise<Tree> {
  parserPromise ??= loadParser();
  const tree = (await parserPromise).parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree");
  return tree;
}

export interface SyntaxProblem {
  line: number;
  column: number;
  kind: "ERROR" | "MISSING";
  text: string;
}

export function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of node.children) if (child) yield* walk(child);
}

/** ERROR and MISSING nodes: where the grammar could not make sense of the script. */
export function findSyntaxProblems(tree: Tree): SyntaxProblem[] {
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
export function codeWithoutStringsAndComments(text: string, tree: Tree): string {
  const chars = [...text];
  // tree-sitter indexes are UTF-8 byte offsets; map them onto the string through a byte-indexed copy.
  const bytes = Buffer.from(text, "utf8");
  const blank = new Uint8Array(bytes.length);
  for (const node of walk(tree.rootNode)) {
    if (node.type === "comment" || node.type === "string_literal") blank.fill(1, node.startIndex, node.endIndex);
  }
  const out: string[] = [];
  let offset = 0;
  for (const ch of chars) {
    const size = Buffer.byteLength(ch, "utf8");
    out.push(blank[offset] && ch !== "\n" && ch !== "\r" ? " " : ch);
    offset += size;
  }
  return out.join("");
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

const LOGGING_COMMANDS =
  /^(write-(host|output|verbose|warning|error|information|debug|eventlog|agentlog)|add-content|set-content|out-file|out-host|tee-object)$/i;
const TOKEN_VARIABLE = /^\$(?:script:|global:|local:)?\{?\w*token\w*\}?$/i;
/** Variables that hold something about the token but not the token itself. */
const HARMLESS_TOKEN_VARIABLE = /tokenfile|redaction|usertoken/i;

export interface TokenLeak {
  line: number;
  command: string;
  variable: string;
}

/** A logging command (Write-Host, Write-AgentLog, Add-Content, ...) that is handed a variable
 * holding the agent token, or an `[EventLog]::WriteEntry(...)` call that is. */
export function findTokenLogging(tree: Tree): TokenLeak[] {
  const leaks: TokenLeak[] = [];
  for (const node of walk(tree.rootNode)) {
    let command: string | null = null;
    if (node.type === "command") {
      const name = node.childForFieldName("command_name")?.text ?? "";
      if (LOGGING_COMMANDS.test(name)) command = name;
    } else if (node.type === "invokation_expression" || node.type === "member_access") {
      if (/WriteEntry|WriteLine|Console\]::Write/i.test(node.text.split("(")[0] ?? "")) command = "WriteEntry";
    }
    if (!command) continue;
    for (const inner of walk(node)) {
      if (inner.type === "variable" && TOKEN_VARIABLE.test(inner.text) && !HARMLESS_TOKEN_VARIABLE.test(inner.text)) {
        leaks.push({ line: inner.startPosition.row + 1, command, variable: inner.text });
      }
    }
  }
  return leaks;
}

/**
 * The keys an object gets in the script: those of the hashtable literal assigned to `$name`
 * (`$name = [ordered]@{ key = ... }`) plus those set later with `$name['key'] = ...` or `$name.key = ...`.
 */
export function findHashtableKeys(tree: Tree, variable: string): string[] {
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
