/**
 * Runs the agent's pure functions (Get-UploadDisposition, Test-TrustedSecurity, Get-RetryDelaySeconds…) without
 * PowerShell: a small interpreter over the tree-sitter tree of the script, for the subset of the language those
 * functions use. It follows PowerShell's own rules where they differ from JavaScript's — case-insensitive string
 * comparison, the right operand converted to the left one's type, arrays on the left of -eq filtering, `return`
 * unrolling arrays, truthiness of '' / 0 / empty arrays, banker's rounding in [int] casts — so a function judged
 * here behaves the same in Windows PowerShell 5.1 and 7. Anything outside the subset throws PsUnsupported rather
 * than guessing; commands the functions call (other than the script's own functions and a few pure cmdlets) must
 * be given as mocks, as Pester's Mock would.
 *
 * This is the "Pester-equivalent" part of tests/agent's checks; public/agent/tests/*.Tests.ps1 runs the same
 * functions in real PowerShell.
 */

import type { PsNode as Node, PsTree as Tree } from "./powershell-syntax";

export class PsUnsupported extends Error {
  constructor(what: string, node?: Node) {
    super(`PowerShell evaluator: unsupported ${what}${node ? ` at line ${node.startPosition.row + 1}: ${node.text.slice(0, 60)}` : ""}`);
  }
}

/** A thrown PowerShell error (`throw "text"`), catchable by the script's own try/catch. */
export class PsThrow extends Error {
  constructor(readonly value: unknown) {
    super(`PowerShell threw: ${String(value)}`);
  }
}

class ReturnSignal {
  constructor(readonly values: unknown[]) {}
}
class BreakSignal {}
class ContinueSignal {}

/** A PowerShell hashtable: keys compared case-insensitively, insertion order kept (as [ordered] does). */
export class PsHashtable {
  private readonly entries = new Map<string, { key: string; value: unknown }>();
  constructor(init?: Record<string, unknown>) {
    for (const [k, v] of Object.entries(init ?? {})) this.set(k, v);
  }
  get(key: unknown): unknown {
    return this.entries.get(String(key).toLowerCase())?.value ?? null;
  }
  has(key: unknown): boolean {
    return this.entries.has(String(key).toLowerCase());
  }
  set(key: unknown, value: unknown): void {
    const k = String(key);
    const existing = this.entries.get(k.toLowerCase());
    this.entries.set(k.toLowerCase(), { key: existing?.key ?? k, value });
  }
  keys(): string[] {
    return [...this.entries.values()].map((e) => e.key);
  }
  get size(): number {
    return this.entries.size;
  }
  toObject(): Record<string, unknown> {
    return Object.fromEntries([...this.entries.values()].map((e) => [e.key, toPlain(e.value)]));
  }
}

/** Converts evaluator values (hashtables) into plain JSON-like values for assertions. */
export function toPlain(value: unknown): unknown {
  if (value instanceof PsHashtable) return value.toObject();
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}

/** A .NET object the evaluator knows: properties and methods by case-insensitive name. */
class DotNetObject {
  constructor(
    readonly typeName: string,
    readonly members: Record<string, unknown>,
  ) {}
  member(name: string): unknown {
    const key = Object.keys(this.members).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) throw new PsUnsupported(`member ${this.typeName}.${name}`);
    return this.members[key];
  }
}

export type PsCommand = (args: { named: Record<string, unknown>; positional: unknown[]; input: unknown[] }) => unknown;

export interface EvaluatorOptions {
  /** Commands the functions call, by name (case-insensitive), as Pester's Mock would replace them. */
  mocks?: Record<string, PsCommand>;
  /** Script-scope variables to set or override (without `$`). */
  variables?: Record<string, unknown>;
}

class Scope {
  private readonly vars = new Map<string, unknown>();
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): { found: boolean; value: unknown } {
    const key = name.toLowerCase();
    if (this.vars.has(key)) return { found: true, value: this.vars.get(key) };
    return this.parent ? this.parent.lookup(name) : { found: false, value: null };
  }
  set(name: string, value: unknown): void {
    this.vars.set(name.toLowerCase(), value);
  }
}

const WRAPPERS = new Set([
  "pipeline_chain",
  "logical_expression",
  "bitwise_expression",
  "comparison_expression",
  "additive_expression",
  "multiplicative_expression",
  "format_expression",
  "range_expression",
  "array_literal_expression",
  "unary_expression",
  "argument_expression",
  "logical_argument_expression",
  "bitwise_argument_expression",
  "comparison_argument_expression",
  "additive_argument_expression",
  "multiplicative_argument_expression",
  "format_argument_expression",
  "range_argument_expression",
  "left_assignment_expression",
  "while_condition",
  "for_condition",
  "for_initializer",
  "for_iterator",
  "key_expression",
  "switch_condition",
]);

/** Descends through the grammar's one-child precedence levels to the node that does something. */
export function unwrap(node: Node): Node {
  let current = node;
  for (;;) {
    if (current.type === "pipeline" && current.childCount === 1) current = current.child(0)!;
    else if (WRAPPERS.has(current.type) && current.childCount === 1) current = current.child(0)!;
    else return current;
  }
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => !!c && c.type !== "comment");
}

// ---------------------------------------------------------------- PowerShell's value rules

export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length === 0 ? false : value.length === 1 ? isTruthy(value[0]) : true;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  return true;
}

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === null || value === undefined || value === "") return 0;
  if (typeof value === "string") {
    const text = value.trim();
    const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : Number(text);
    if (Number.isNaN(n)) throw new PsThrow(`Cannot convert value "${value}" to a number`);
    return n;
  }
  if (Array.isArray(value) && value.length === 1) return toNumber(value[0]);
  throw new PsThrow(`Cannot convert ${typeof value} to a number`);
}

export function toPsString(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(value);
  if (Array.isArray(value)) return value.map(toPsString).join(" ");
  if (value instanceof PsHashtable) return "System.Collections.Hashtable";
  return String(value);
}

/** [int] as PowerShell casts: banker's rounding of doubles. */
function toInt(value: unknown): number {
  const n = toNumber(value);
  const floor = Math.floor(n);
  const diff = n - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function castTo(typeName: string, value: unknown, node?: Node): unknown {
  const t = typeName.toLowerCase().replace(/^system\./, "");
  switch (t) {
    case "int":
    case "int32":
    case "long":
    case "int64":
      return toInt(value);
    case "double":
    case "float":
    case "single":
    case "decimal":
      return toNumber(value);
    case "string":
      return toPsString(value);
    case "bool":
    case "boolean":
    case "switch":
      return isTruthy(value);
    case "array":
    case "object[]":
      return value === null ? [] : Array.isArray(value) ? value : [value];
    case "string[]":
      return (value === null ? [] : Array.isArray(value) ? value : [value]).map(toPsString);
    case "int[]":
      return (value === null ? [] : Array.isArray(value) ? value : [value]).map(toInt);
    case "byte[]":
      return value === null ? null : (Array.isArray(value) ? value : [value]).map((v) => toInt(v) & 0xff);
    case "hashtable":
    case "ordered":
    case "collections.specialized.ordereddictionary":
      if (value instanceof PsHashtable) return value;
      throw new PsUnsupported(`cast to [${typeName}] of a non-hashtable`, node);
    case "object":
    case "psobject":
    case "pscustomobject":
      return value;
    case "void":
      return undefined;
    default:
      throw new PsUnsupported(`cast to [${typeName}]`, node);
  }
}

function compareValues(left: unknown, right: unknown): number {
  // PowerShell converts the right operand to the left one's type.
  if (typeof left === "number") {
    const r = toNumber(right);
    return left < r ? -1 : left > r ? 1 : 0;
  }
  if (typeof left === "string") {
    const a = left.toLowerCase();
    const b = toPsString(right).toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof left === "boolean") {
    const r = isTruthy(right);
    return left === r ? 0 : left ? 1 : -1;
  }
  if (left === null || left === undefined) return right === null || right === undefined ? 0 : -1;
  throw new PsUnsupported(`comparison of ${typeof left}`);
}

function equals(left: unknown, right: unknown): boolean {
  if (left === null || left === undefined) return right === null || right === undefined;
  if (right === null || right === undefined) return false;
  if (typeof left === "number" && typeof right === "string" && Number.isNaN(Number(right))) return false;
  if (typeof left === "object") return left === right;
  return compareValues(left, right) === 0;
}

function wildcardToRegExp(pattern: string): RegExp {
  let source = "";
  for (const ch of pattern) {
    if (ch === "*") source += ".*";
    else if (ch === "?") source += ".";
    else source += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "is");
}

/** A .NET pattern as a JavaScript RegExp: inline (?m)/(?i)/(?s) at the start become flags; matching ignores case. */
function dotNetRegExp(pattern: string, caseSensitive = false, global = false): RegExp {
  let source = pattern;
  let flags = caseSensitive ? "" : "i";
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    for (const f of inline[1]!) if (f === "m" || f === "s" || f === "i") flags += f;
    source = source.slice(inline[0].length);
  }
  if (/\(\?[imsx-]+[):]/.test(source)) throw new PsUnsupported(`inline regex options inside ${pattern}`);
  return new RegExp(source, [...new Set(flags + (global ? "g" : ""))].join(""));
}

function asArray(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function formatString(format: string, args: unknown[]): string {
  return format.replace(/\{\{|\}\}|\{(\d+)(?::([^}]*))?\}/g, (match, index?: string, spec?: string) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    const value = args[Number(index)];
    if (spec) {
      if (/^x2$/i.test(spec) && typeof value === "number") return value.toString(16).padStart(2, "0");
      // N<digits>: grouped, rounded (in the invariant culture; a device formats with its own).
      const n = /^n(\d?)$/i.exec(spec);
      if (n) return toNumber(value).toLocaleString("en-US", { minimumFractionDigits: Number(n[1] || 2), maximumFractionDigits: Number(n[1] || 2) });
      throw new PsUnsupported(`format specifier ${spec}`);
    }
    return toPsString(value);
  });
}

// ---------------------------------------------------------------- .NET statics the functions use

const ENUMS: Record<string, Record<string, number>> = {
  "io.fileattributes": { readonly: 1, hidden: 2, system: 4, directory: 16, archive: 32, normal: 128, reparsepoint: 1024 },
};

function encodingObject(name: string): DotNetObject {
  const decode = (bytes: unknown, offset?: unknown, count?: unknown): string => {
    const all = asArray(bytes).map((b) => toInt(b));
    const start = offset === undefined ? 0 : toInt(offset);
    const end = count === undefined ? all.length : start + toInt(count);
    const slice = Buffer.from(all.slice(start, end));
    return name === "ascii" ? slice.toString("latin1").replace(/[\u0080-\uffff]/g, "?") : slice.toString("utf8");
  };
  return new DotNetObject(`Encoding.${name}`, {
    GetString: decode,
    GetBytes: (text: unknown) => [...Buffer.from(toPsString(text), name === "ascii" ? "latin1" : "utf8")],
  });
}

function staticMember(typeName: string, member: string, args: unknown[] | null): unknown {
  const t = typeName.toLowerCase().replace(/^system\./, "");
  const m = member.toLowerCase();
  const call = (fn: (...a: unknown[]) => unknown) => {
    if (args === null) throw new PsUnsupported(`[${typeName}]::${member} without ()`);
    return fn(...args);
  };
  if (t === "math") {
    switch (m) {
      case "min":
        return call((a, b) => Math.min(toNumber(a), toNumber(b)));
      case "max":
        return call((a, b) => Math.max(toNumber(a), toNumber(b)));
      case "pow":
        return call((a, b) => Math.pow(toNumber(a), toNumber(b)));
      case "floor":
        return call((a) => Math.floor(toNumber(a)));
      case "ceiling":
        return call((a) => Math.ceil(toNumber(a)));
      case "abs":
        return call((a) => Math.abs(toNumber(a)));
      case "round":
        return call((a) => toInt(a));
    }
  }
  if (t === "string") {
    switch (m) {
      case "compareordinal":
        return call((a, b) => {
          const x = toPsString(a);
          const y = toPsString(b);
          return x < y ? -1 : x > y ? 1 : 0;
        });
      case "isnullorempty":
        return call((a) => a === null || a === undefined || toPsString(a) === "");
      case "empty":
        return "";
    }
  }
  if (t === "bitconverter" && m === "toint32") {
    return call((bytes, offset) => {
      const all = asArray(bytes).map((b) => toInt(b));
      const o = toInt(offset);
      if (o < 0 || o + 4 > all.length) throw new PsThrow("Destination array is not long enough");
      return Buffer.from(all.slice(o, o + 4)).readInt32LE(0);
    });
  }
  if (t === "text.encoding" && (m === "ascii" || m === "utf8") && args === null) return encodingObject(m);
  const enumValues = ENUMS[t];
  if (enumValues && args === null && m in enumValues) return enumValues[m];
  throw new PsUnsupported(`[${typeName}]::${member}`);
}

function instanceMember(target: unknown, member: string, args: unknown[] | null): unknown {
  const m = member.toLowerCase();
  if (target instanceof DotNetObject) {
    const value = target.member(member);
    if (args === null) return value;
    if (typeof value !== "function") throw new PsUnsupported(`call of ${target.typeName}.${member}`);
    return (value as (...a: unknown[]) => unknown)(...args);
  }
  if (args === null) {
    if (target instanceof PsHashtable) {
      if (m === "count" && !target.has("count")) return target.size;
      if (m === "keys" && !target.has("keys")) return target.keys();
      return target.get(member);
    }
    if (Array.isArray(target)) {
      if (m === "count" || m === "length") return target.length;
      // Member enumeration: the property of every element.
      return target.map((e) => instanceMember(e, member, null));
    }
    if (typeof target === "string" && m === "length") return target.length;
    if (target === null || target === undefined) return null;
    if (typeof target === "object") {
      const record = target as Record<string, unknown>;
      const key = Object.keys(record).find((k) => k.toLowerCase() === m);
      if (key === undefined) throw new PsThrow(`The property '${member}' cannot be found on this object (strict mode)`);
      return record[key];
    }
    if (m === "count") return 1;
    throw new PsUnsupported(`property ${member} of ${typeof target}`);
  }
  if (typeof target === "string") {
    const a = args.map(toPsString);
    switch (m) {
      case "tolowerinvariant":
      case "tolower":
        return target.toLowerCase();
      case "toupperinvariant":
      case "toupper":
        return target.toUpperCase();
      case "trim":
        return a.length ? trimChars(target, a.join(""), true, true) : target.trim();
      case "trimend":
        return a.length ? trimChars(target, a.join(""), false, true) : target.trimEnd();
      case "trimstart":
        return a.length ? trimChars(target, a.join(""), true, false) : target.trimStart();
      case "startswith":
        return target.startsWith(a[0]!);
      case "endswith":
        return target.endsWith(a[0]!);
      case "contains":
        return target.includes(a[0]!);
      case "indexof":
        return target.indexOf(a[0]!);
      case "substring":
        return a.length > 1 ? target.substr(toInt(args[0]), toInt(args[1])) : target.slice(toInt(args[0]));
      case "replace":
        return target.split(a[0]!).join(a[1]!);
      case "split":
        return target.split(new RegExp(`[${a.join("").replace(/[\]\\^-]/g, "\\$&")}]`));
      case "tostring":
        return target;
    }
  }
  if (typeof target === "number" && m === "tostring") {
    if (args.length === 0) return String(target);
    if (/^x2$/i.test(toPsString(args[0]))) return target.toString(16).padStart(2, "0");
  }
  if (target instanceof PsHashtable && m === "containskey") return target.has(args[0]);
  throw new PsUnsupported(`method ${member}() of ${target === null ? "null" : typeof target}`);
}

function trimChars(text: string, chars: string, start: boolean, end: boolean): string {
  let s = 0;
  let e = text.length;
  while (start && s < e && chars.includes(text[s]!)) s++;
  while (end && e > s && chars.includes(text[e - 1]!)) e--;
  return text.slice(s, e);
}

// ---------------------------------------------------------------- the interpreter

interface ParamSpec {
  name: string;
  type: string | null;
  defaultNode: Node | null;
}

export class PowerShellEvaluator {
  private readonly functions = new Map<string, Node>();
  private readonly mocks = new Map<string, PsCommand>();
  private readonly scriptScope = new Scope(null);

  constructor(tree: Tree, options: EvaluatorOptions = {}) {
    for (const [name, fn] of Object.entries(options.mocks ?? {})) this.mocks.set(name.toLowerCase(), fn);
    const topLevel = tree.rootNode.children.find((c) => c?.type === "statement_list") ?? tree.rootNode;
    for (const statement of named(topLevel)) {
      if (statement.type === "function_statement") {
        const name = statement.children.find((c) => c?.type === "function_name")?.text;
        if (name) this.functions.set(name.toLowerCase(), statement);
      }
    }
    // Script-scope constants ($SystemSid = 'S-1-5-18', …): the top-level assignments it can evaluate.
    for (const statement of named(topLevel)) {
      const assignment = unwrap(statement);
      if (assignment.type !== "assignment_expression") continue;
      try {
        this.execAssignment(assignment, this.scriptScope, []);
      } catch (error) {
        if (!(error instanceof PsUnsupported) && !(error instanceof PsThrow)) throw error;
      }
    }
    for (const [name, value] of Object.entries(options.variables ?? {})) this.scriptScope.set(name, value);
  }

  hasFunction(name: string): boolean {
    return this.functions.has(name.toLowerCase());
  }

  /** Calls a function of the script; returns its output as PowerShell would hand it to `$x = f …`:
   * nothing → null, one object → that object, several → an array. */
  call(name: string, namedArgs: Record<string, unknown> = {}, positional: unknown[] = []): unknown {
    const out = this.invokeCommand(name, namedArgs, positional, [], this.scriptScope, null);
    return out.length === 0 ? null : out.length === 1 ? out[0] : out;
  }

  /** The function's output as a list (what `@(f …)` gives). */
  callAll(name: string, namedArgs: Record<string, unknown> = {}, positional: unknown[] = []): unknown[] {
    return this.invokeCommand(name, namedArgs, positional, [], this.scriptScope, null);
  }

  private invokeCommand(
    name: string,
    namedArgs: Record<string, unknown>,
    positional: unknown[],
    input: unknown[],
    caller: Scope,
    node: Node | null,
  ): unknown[] {
    const key = name.toLowerCase();
    // The grammar reads `foreach ($i in 1..4)`'s range as a command named 1..4.
    const range = /^(-?\d+)\.\.(-?\d+)$/.exec(name);
    if (range && positional.length === 0) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      const out: number[] = [];
      for (let i = a; a <= b ? i <= b : i >= b; a <= b ? i++ : i--) out.push(i);
      return out;
    }
    const mock = this.mocks.get(key);
    if (mock) return asArray(mock({ named: namedArgs, positional, input }));
    const fn = this.functions.get(key);
    if (fn) return this.invokeFunction(fn, namedArgs, positional, caller);
    const builtin = this.builtin(key, namedArgs, positional, input, caller);
    if (builtin) return builtin.values;
    throw new PsUnsupported(`command ${name} (neither a function of the script nor mocked)`, node ?? undefined);
  }

  private paramSpecs(fn: Node): ParamSpec[] {
    const declaration = fn.children.find((c) => c?.type === "function_parameter_declaration");
    const block = fn.children.find((c) => c?.type === "script_block");
    const paramBlock = block?.children.find((c) => c?.type === "param_block");
    const list = (declaration ?? paramBlock)?.children.find((c) => c?.type === "parameter_list");
    if (!list) return [];
    return named(list)
      .filter((p) => p.type === "script_parameter")
      .map((p) => {
        const variable = p.children.find((c) => c?.type === "variable")!;
        const types = [...walkNodes(p)].filter((n) => n.type === "type_literal" && !n.parent?.parent?.text.startsWith("[Parameter"));
        const type = types.length ? types[types.length - 1]!.text.slice(1, -1) : null;
        const defaultNode = p.children.find((c) => c?.type === "script_parameter_default")?.namedChildren.find((c) => !!c) ?? null;
        return { name: variable.text.slice(1), type, defaultNode };
      });
  }

  private invokeFunction(fn: Node, namedArgs: Record<string, unknown>, positional: unknown[], caller: Scope): unknown[] {
    const scope = new Scope(caller);
    const specs = this.paramSpecs(fn);
    const bound = new Map<string, unknown>();
    for (const [argName, value] of Object.entries(namedArgs)) {
      const spec = specs.find((s) => s.name.toLowerCase() === argName.toLowerCase());
      if (!spec) throw new PsThrow(`A parameter cannot be found that matches parameter name '${argName}'`);
      bound.set(spec.name, value);
    }
    const positionalSpecs = specs.filter((s) => !bound.has(s.name) && s.type?.toLowerCase() !== "switch");
    positional.forEach((value, i) => {
      const spec = positionalSpecs[i];
      if (!spec) throw new PsThrow("A positional parameter cannot be found that accepts argument");
      bound.set(spec.name, value);
    });
    const out: unknown[] = [];
    for (const spec of specs) {
      let value: unknown;
      if (bound.has(spec.name)) value = bound.get(spec.name);
      else if (spec.defaultNode) value = this.evalExpression(spec.defaultNode, scope);
      else
        value =
          spec.type && /^(string)$/i.test(spec.type)
            ? ""
            : spec.type && /^(int|double|long)$/i.test(spec.type)
              ? 0
              : spec.type?.toLowerCase() === "switch"
                ? false
                : null;
      if (spec.type && value !== null && value !== undefined) value = castTo(spec.type, value);
      else if (spec.type && /^string$/i.test(spec.type)) value = "";
      scope.set(spec.name, value);
    }
    const block = fn.children.find((c) => c?.type === "script_block");
    const body = block?.children.find((c) => c?.type === "script_block_body");
    const statements = body?.children.find((c) => c?.type === "statement_list");
    try {
      if (statements) this.execStatements(statements, scope, out);
    } catch (signal) {
      if (signal instanceof ReturnSignal) out.push(...signal.values);
      else throw signal;
    }
    return out;
  }

  private builtin(name: string, namedArgs: Record<string, unknown>, positional: unknown[], input: unknown[], scope: Scope): { values: unknown[] } | null {
    switch (name) {
      case "sort-object": {
        const descending = isTruthy(namedArgs.Descending ?? namedArgs.descending);
        const unique = isTruthy(namedArgs.Unique ?? namedArgs.unique);
        const property = positional[0] ?? namedArgs.Property ?? null;
        const keyOf = (v: unknown) =>
          property === null ? v : typeof property === "string" ? instanceMember(v, property, null) : (property as (x: unknown) => unknown)(v);
        let sorted = [...input].sort((a, b) => compareValues(keyOf(a), keyOf(b)));
        if (descending) sorted.reverse();
        if (unique) sorted = sorted.filter((v, i) => sorted.findIndex((w) => equals(keyOf(w), keyOf(v))) === i);
        return { values: sorted };
      }
      case "where-object":
      case "foreach-object": {
        const block = positional[0];
        if (!(block instanceof ScriptBlockValue)) throw new PsUnsupported(`${name} without a script block`);
        const values: unknown[] = [];
        for (const item of input) {
          const out = this.runScriptBlock(block, scope, item);
          if (name === "where-object") {
            if (isTruthy(out.length === 1 ? out[0] : out)) values.push(item);
          } else values.push(...out);
        }
        return { values };
      }
      case "select-object": {
        if (namedArgs.First !== undefined) return { values: input.slice(0, toInt(namedArgs.First)) };
        if (namedArgs.Last !== undefined) return { values: input.slice(-toInt(namedArgs.Last)) };
        throw new PsUnsupported("Select-Object without -First or -Last");
      }
      case "write-verbose":
      case "write-debug":
        return { values: [] };
      default:
        return null;
    }
  }

  private runScriptBlock(block: ScriptBlockValue, scope: Scope, item: unknown): unknown[] {
    const inner = new Scope(scope);
    inner.set("_", item);
    inner.set("PSItem", item);
    const out: unknown[] = [];
    const statements = block.node.children
      .find((c) => c?.type === "script_block")
      ?.children.find((c) => c?.type === "script_block_body")
      ?.children.find((c) => c?.type === "statement_list");
    if (statements) this.execStatements(statements, inner, out);
    return out;
  }

  // ------------------------------------------------------------ statements

  private execStatements(list: Node, scope: Scope, out: unknown[]): void {
    for (const statement of named(list)) this.execStatement(statement, scope, out);
  }

  private execBlock(block: Node | null | undefined, scope: Scope, out: unknown[]): void {
    const list = block?.children.find((c) => c?.type === "statement_list");
    if (list) this.execStatements(list, scope, out);
  }

  private execStatement(node: Node, scope: Scope, out: unknown[]): void {
    switch (node.type) {
      case "pipeline": {
        const inner = unwrap(node);
        if (inner.type === "assignment_expression") return this.execAssignment(inner, scope, out);
        if (inner.type === "expression_with_unary_operator" && /^\[void\]/i.test(inner.text)) {
          this.evalExpression(inner.namedChildren[0]!.namedChildren[1] ?? inner, scope);
          return;
        }
        const values = this.evalPipeline(node, scope);
        for (const v of values) if (v !== undefined) out.push(v);
        return;
      }
      case "if_statement": {
        const condition = node.childForFieldName("condition")!;
        if (isTruthy(this.evalCondition(condition, scope)))
          return this.execBlock(
            node.children.find((c) => c?.type === "statement_block"),
            scope,
            out,
          );
        const elseifs = node.children.find((c) => c?.type === "elseif_clauses");
        for (const clause of named(elseifs ?? node).filter((c) => c.type === "elseif_clause")) {
          const cond = clause.childForFieldName("condition")!;
          if (isTruthy(this.evalCondition(cond, scope)))
            return this.execBlock(
              clause.children.find((c) => c?.type === "statement_block"),
              scope,
              out,
            );
        }
        const elseClause = node.children.find((c) => c?.type === "else_clause");
        if (elseClause)
          this.execBlock(
            elseClause.children.find((c) => c?.type === "statement_block"),
            scope,
            out,
          );
        return;
      }
      case "foreach_statement": {
        const variable = node.children.find((c) => c?.type === "variable")!;
        const source = node.children.find((c) => c?.type === "pipeline")!;
        const block = node.children.find((c) => c?.type === "statement_block");
        for (const item of asArray(this.evalCondition(source, scope))) {
          this.assignVariable(variable.text, item, scope);
          try {
            this.execBlock(block, scope, out);
          } catch (signal) {
            if (signal instanceof BreakSignal) break;
            if (signal instanceof ContinueSignal) continue;
            throw signal;
          }
        }
        return;
      }
      case "for_statement": {
        const init = node.childForFieldName("for_initializer");
        const cond = node.childForFieldName("for_condition");
        const iter = node.childForFieldName("for_iterator");
        const block = node.children.find((c) => c?.type === "statement_block");
        if (init) this.execStatement(init.namedChildren[0]!, scope, []);
        for (let guard = 0; ; guard++) {
          if (guard > 100000) throw new PsUnsupported("a loop that does not end");
          if (cond && !isTruthy(this.evalCondition(cond, scope))) break;
          try {
            this.execBlock(block, scope, out);
          } catch (signal) {
            if (signal instanceof BreakSignal) break;
            if (!(signal instanceof ContinueSignal)) throw signal;
          }
          if (iter) this.execStatement(iter.namedChildren[0]!, scope, []);
        }
        return;
      }
      case "while_statement": {
        const cond = node.childForFieldName("condition")!;
        const block = node.children.find((c) => c?.type === "statement_block");
        for (let guard = 0; isTruthy(this.evalCondition(cond, scope)); guard++) {
          if (guard > 100000) throw new PsUnsupported("a loop that does not end");
          try {
            this.execBlock(block, scope, out);
          } catch (signal) {
            if (signal instanceof BreakSignal) break;
            if (!(signal instanceof ContinueSignal)) throw signal;
          }
        }
        return;
      }
      case "flow_control_statement": {
        const keyword = node.child(0)!.type;
        const value = node.namedChildren.find((c) => c?.type === "pipeline");
        if (keyword === "return") {
          if (!value) throw new ReturnSignal([]);
          const inner = unwrap(value);
          // `return , $x` keeps an array whole; any other array is unrolled into the output.
          if (inner.type === "expression_with_unary_operator" && inner.child(0)?.type === ",")
            throw new ReturnSignal([asArray(this.evalExpression(inner.namedChildren[0]!, scope))]);
          const result = this.evalCondition(value, scope);
          throw new ReturnSignal(Array.isArray(result) ? result : result === undefined ? [] : [result]);
        }
        if (keyword === "break") throw new BreakSignal();
        if (keyword === "continue") throw new ContinueSignal();
        if (keyword === "throw") throw new PsThrow(value ? this.evalCondition(value, scope) : "ScriptHalted");
        throw new PsUnsupported(keyword, node);
      }
      case "try_statement": {
        const tryBlock = node.children.find((c) => c?.type === "statement_block");
        const catches = named(node.children.find((c) => c?.type === "catch_clauses") ?? node).filter((c) => c.type === "catch_clause");
        const finallyClause = node.children.find((c) => c?.type === "finally_clause");
        try {
          this.execBlock(tryBlock, scope, out);
        } catch (error) {
          const catchable = error instanceof PsThrow || (error instanceof Error && !(error instanceof PsUnsupported));
          if (!catchable || catches.length === 0) throw error;
          const clause = catches[0]!;
          if (clause.children.some((c) => c?.type === "catch_type_list")) throw new PsUnsupported("typed catch", clause);
          // A catch block is not a new scope: what it assigns is seen after it.
          const message = error instanceof PsThrow ? toPsString(error.value) : (error as Error).message;
          scope.set("_", new PsHashtable({ Exception: new PsHashtable({ Message: message }) }));
          this.execBlock(
            clause.children.find((c) => c?.type === "statement_block"),
            scope,
            out,
          );
        } finally {
          if (finallyClause)
            this.execBlock(
              finallyClause.children.find((c) => c?.type === "statement_block"),
              scope,
              out,
            );
        }
        return;
      }
      case "function_statement":
      case "empty_statement":
        return;
      default:
        throw new PsUnsupported(`statement ${node.type}`, node);
    }
  }

  private evalCondition(node: Node, scope: Scope): unknown {
    return this.evalExpression(node, scope);
  }

  private execAssignment(node: Node, scope: Scope, out: unknown[]): void {
    const left = unwrap(node.child(0)!);
    const operator = node.children.find((c) => c?.type === "assignement_operator")!.text;
    const valueNode = node.childForFieldName("value")!;
    let value = this.evalExpression(valueNode, scope);
    void out;
    if (left.type === "variable") {
      if (operator === "+=") value = this.add(this.readVariable(left.text, scope, left), value);
      else if (operator === "-=") value = toNumber(this.readVariable(left.text, scope, left)) - toNumber(value);
      else if (operator !== "=") throw new PsUnsupported(`assignment ${operator}`, node);
      this.assignVariable(left.text, value, scope);
      return;
    }
    if (operator !== "=") throw new PsUnsupported(`assignment ${operator} to ${left.type}`, node);
    if (left.type === "member_access") {
      const target = this.evalExpression(left.child(0)!, scope);
      const member = left.children.find((c) => c?.type === "member_name")!.text;
      if (target instanceof PsHashtable) return target.set(member, value);
      throw new PsUnsupported("property assignment on a non-hashtable", node);
    }
    if (left.type === "element_access") {
      const target = this.evalExpression(left.child(0)!, scope);
      const index = this.evalExpression(left.namedChildren[1]!, scope);
      if (target instanceof PsHashtable) return target.set(index, value);
      if (Array.isArray(target)) {
        target[toInt(index) < 0 ? target.length + toInt(index) : toInt(index)] = value;
        return;
      }
    }
    throw new PsUnsupported(`assignment to ${left.type}`, node);
  }

  private variableName(text: string): { scope: "script" | "local"; name: string } {
    let name = text.replace(/^\$/, "").replace(/^\{(.*)\}$/, "$1");
    let scope: "script" | "local" = "local";
    const prefixed = /^(script|global|local|private):(.*)$/i.exec(name);
    if (prefixed) {
      scope = prefixed[1]!.toLowerCase() === "local" || prefixed[1]!.toLowerCase() === "private" ? "local" : "script";
      name = prefixed[2]!;
    }
    if (/^env:/i.test(name)) throw new PsUnsupported(`environment variable ${text}`);
    return { scope, name };
  }

  private assignVariable(text: string, value: unknown, scope: Scope): void {
    const { scope: which, name } = this.variableName(text);
    (which === "script" ? this.scriptScope : scope).set(name, value);
  }

  private readVariable(text: string, scope: Scope, node: Node): unknown {
    const { scope: which, name } = this.variableName(text);
    const lower = name.toLowerCase();
    if (lower === "null") return null;
    if (lower === "true") return true;
    if (lower === "false") return false;
    const found = (which === "script" ? this.scriptScope : scope).lookup(name);
    if (!found.found)
      throw new PsThrow(`The variable '$${name}' cannot be retrieved because it has not been set (strict mode), line ${node.startPosition.row + 1}`);
    return found.value;
  }

  // ------------------------------------------------------------ expressions

  private evalPipeline(node: Node, scope: Scope): unknown[] {
    let chain = node;
    while (
      (chain.type === "pipeline" || chain.type === "pipeline_chain") &&
      chain.childCount === 1 &&
      (chain.child(0)!.type === "pipeline_chain" || chain.child(0)!.type === "pipeline")
    )
      chain = chain.child(0)!;
    const parts =
      chain.type === "pipeline_chain" || chain.type === "pipeline"
        ? chain.children.filter((c): c is Node => !!c && c.type !== "|" && c.type !== "comment")
        : [chain];
    let values: unknown[] = [];
    parts.forEach((part, i) => {
      const inner = unwrap(part);
      if (inner.type === "command") values = this.evalCommand(inner, scope, i === 0 ? [] : values);
      else if (i === 0) {
        const value = this.evalExpression(inner, scope);
        values = value === undefined ? [] : Array.isArray(value) ? value : [value];
      } else throw new PsUnsupported("an expression after |", inner);
    });
    return values;
  }

  private evalCommand(node: Node, scope: Scope, input: unknown[]): unknown[] {
    if (node.children.some((c) => c?.type === "command_invokation_operator")) throw new PsUnsupported("& or . invocation", node);
    const foreach = node.children.find((c) => c?.type === "foreach_command");
    const name = foreach ? "ForEach-Object" : (node.childForFieldName("command_name")?.text ?? node.child(0)!.text);
    const elements = foreach ?? node.childForFieldName("command_elements");
    const namedArgs: Record<string, unknown> = {};
    const positional: unknown[] = [];
    const items = elements ? named(elements).filter((c) => c.type !== "command_argument_sep") : [];
    const fn = this.functions.get(name.toLowerCase());
    const switches = new Set(
      fn
        ? this.paramSpecs(fn)
            .filter((s) => s.type?.toLowerCase() === "switch")
            .map((s) => s.name.toLowerCase())
        : [],
    );
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.type === "command_parameter") {
        const paramText = item.text.replace(/^-/, "");
        const colon = paramText.indexOf(":");
        if (colon >= 0) throw new PsUnsupported("-Name:value arguments", item);
        const next = items[i + 1];
        const isSwitch = switches.has(paramText.toLowerCase()) || !next || next.type === "command_parameter" || /^(descending|unique|force)$/i.test(paramText);
        if (isSwitch) namedArgs[paramText] = true;
        else {
          namedArgs[paramText] = this.evalArgument(next, scope);
          i++;
        }
      } else positional.push(this.evalArgument(item, scope));
    }
    return this.invokeCommand(name, namedArgs, positional, input, scope, node);
  }

  private evalArgument(node: Node, scope: Scope): unknown {
    if (node.type === "generic_token") return node.text;
    return this.evalExpression(node, scope);
  }

  private evalExpression(input: Node, scope: Scope): unknown {
    const node = unwrap(input);
    switch (node.type) {
      case "pipeline":
      case "pipeline_chain": {
        const values = this.evalPipeline(node, scope);
        return values.length === 1 ? values[0] : values.length === 0 ? null : values;
      }
      case "integer_literal": {
        const text = node.text.toLowerCase();
        const suffix = /(kb|mb|gb)$/.exec(text)?.[1];
        const base = text.replace(/(kb|mb|gb|l)$/, "");
        const n = base.startsWith("0x") ? parseInt(base, 16) : parseInt(base, 10);
        return suffix === "kb" ? n * 1024 : suffix === "mb" ? n * 1048576 : suffix === "gb" ? n * 1073741824 : n;
      }
      case "real_literal":
        return Number(node.text);
      case "string_literal":
        return this.evalString(node, scope);
      case "expandable_string_literal":
      case "verbatim_string_characters":
        return this.evalString(node.parent!, scope);
      case "variable":
        return this.readVariable(node.text, scope, node);
      case "parenthesized_expression": {
        const inner = node.namedChildren.find((c) => !!c)!;
        const values = this.evalPipeline(inner, scope);
        return values.length === 0 ? null : values.length === 1 ? values[0] : values;
      }
      case "sub_expression":
      case "array_expression": {
        const list = node.childForFieldName("statements");
        const out: unknown[] = [];
        if (list) this.execStatements(list, scope, out);
        if (node.type === "array_expression") return out;
        return out.length === 0 ? null : out.length === 1 ? out[0] : out;
      }
      case "hash_literal_expression": {
        const table = new PsHashtable();
        const body = node.children.find((c) => c?.type === "hash_literal_body");
        for (const entry of named(body ?? node).filter((c) => c.type === "hash_entry")) {
          const keyNode = entry.children.find((c) => c?.type === "key_expression")!;
          const inner = unwrap(keyNode);
          const key = inner.type === "simple_name" ? inner.text : this.evalExpression(inner, scope);
          table.set(
            key,
            this.evalExpression(
              entry.children.find((c) => c?.type === "pipeline")!,
              scope,
            ),
          );
        }
        return table;
      }
      case "script_block_expression":
        return new ScriptBlockValue(node);
      case "array_literal_expression":
        return named(node).map((c) => this.evalExpression(c, scope));
      case "expression_with_unary_operator":
        return this.evalUnary(node, scope);
      case "cast_expression": {
        const type = node.children.find((c) => c?.type === "type_literal")!.text.slice(1, -1);
        const operand = node.namedChildren.find((c) => c?.type !== "type_literal")!;
        return castTo(type, this.evalExpression(operand, scope), node);
      }
      case "logical_expression":
        return this.evalLogical(node, scope);
      case "bitwise_expression": {
        const [left, op, right] = node.children;
        const a = toInt(this.evalExpression(left!, scope));
        const b = toInt(this.evalExpression(right!, scope));
        if (op!.type === "-band") return a & b;
        if (op!.type === "-bor") return a | b;
        if (op!.type === "-bxor") return a ^ b;
        throw new PsUnsupported(op!.type, node);
      }
      case "comparison_expression":
        return this.evalComparison(node, scope);
      case "additive_expression":
      case "additive_argument_expression": {
        const [left, op, right] = node.children;
        const a = this.evalExpression(left!, scope);
        const b = this.evalExpression(right!, scope);
        return op!.type === "+" ? this.add(a, b) : toNumber(a) - toNumber(b);
      }
      case "multiplicative_expression":
      case "multiplicative_argument_expression": {
        const [left, op, right] = node.children;
        const a = this.evalExpression(left!, scope);
        const b = this.evalExpression(right!, scope);
        if (op!.type === "*") return toNumber(a) * toNumber(b);
        if (op!.type === "/") return toNumber(a) / toNumber(b);
        if (op!.type === "%") return toNumber(a) % toNumber(b);
        throw new PsUnsupported(op!.type, node);
      }
      case "format_expression":
      case "format_argument_expression": {
        const [left, , right] = node.children;
        return formatString(toPsString(this.evalExpression(left!, scope)), asArray(this.evalExpression(right!, scope)));
      }
      case "range_expression":
      case "range_argument_expression": {
        const [left, , right] = node.children;
        const a = toInt(this.evalExpression(left!, scope));
        const b = toInt(this.evalExpression(right!, scope));
        const out: number[] = [];
        if (a <= b) for (let i = a; i <= b; i++) out.push(i);
        else for (let i = a; i >= b; i--) out.push(i);
        return out;
      }
      case "member_access": {
        const target = node.child(0)!;
        const member = node.children.find((c) => c?.type === "member_name")!.text;
        if (target.type === "type_literal") return staticMember(target.text.slice(1, -1), member, null);
        return instanceMember(this.evalExpression(target, scope), member, null);
      }
      case "invokation_expression": {
        const target = node.child(0)!;
        const member = node.children.find((c) => c?.type === "member_name")!.text;
        const argList = node.children.find((c) => c?.type === "argument_list");
        const exprList = argList?.children.find((c) => c?.type === "argument_expression_list");
        const args = exprList ? named(exprList).map((a) => this.evalExpression(a, scope)) : [];
        if (target.type === "type_literal") return staticMember(target.text.slice(1, -1), member, args);
        return instanceMember(this.evalExpression(target, scope), member, args);
      }
      case "element_access": {
        const target = this.evalExpression(node.child(0)!, scope);
        const index = this.evalExpression(node.namedChildren[1]!, scope);
        const pick = (i: unknown) => {
          if (target instanceof PsHashtable) return target.get(i);
          const list = typeof target === "string" ? [...target] : asArray(target);
          const n = toInt(i);
          return list[n < 0 ? list.length + n : n] ?? null;
        };
        return Array.isArray(index) ? index.map(pick) : pick(index);
      }
      case "command": {
        const values = this.evalCommand(node, scope, []);
        return values.length === 1 ? values[0] : values.length === 0 ? null : values;
      }
      case "type_literal":
        throw new PsUnsupported("a type as a value", node);
      default:
        throw new PsUnsupported(`expression ${node.type}`, node);
    }
  }

  private add(a: unknown, b: unknown): unknown {
    if (a === null || a === undefined) return Array.isArray(b) ? [...b] : b;
    if (Array.isArray(a)) return [...a, ...(Array.isArray(b) ? b : [b])];
    if (typeof a === "string") return a + toPsString(b);
    if (typeof a === "number") return a + toNumber(b);
    throw new PsUnsupported(`+ on ${typeof a}`);
  }

  private evalUnary(node: Node, scope: Scope): unknown {
    const op = node.child(0)!;
    const operand = node.namedChildren.find((c) => !!c && c !== op)!;
    if (op.type === "cast_expression" || op.type === "type_literal") return this.evalExpression(op, scope);
    switch (op.type) {
      case "-not":
      case "!":
        return !isTruthy(this.evalExpression(operand, scope));
      case "-":
        return -toNumber(this.evalExpression(operand, scope));
      case "+":
        return toNumber(this.evalExpression(operand, scope));
      case ",":
        return [this.evalExpression(operand, scope)];
      case "-join":
        return asArray(this.evalExpression(operand, scope)).map(toPsString).join("");
      default:
        throw new PsUnsupported(`unary ${op.type}`, node);
    }
  }

  private evalLogical(node: Node, scope: Scope): unknown {
    const [left, op, right] = node.children;
    const a = isTruthy(this.evalExpression(left!, scope));
    if (op!.type === "-and") return a ? isTruthy(this.evalExpression(right!, scope)) : false;
    if (op!.type === "-or") return a ? true : isTruthy(this.evalExpression(right!, scope));
    if (op!.type === "-xor") return a !== isTruthy(this.evalExpression(right!, scope));
    throw new PsUnsupported(op!.type, node);
  }

  private evalComparison(node: Node, scope: Scope): unknown {
    const [leftNode, opNode, rightNode] = node.children;
    const op = opNode!.text.toLowerCase().replace(/^-i(?=(eq|ne|lt|le|gt|ge|like|notlike|match|notmatch|contains|notcontains|in|notin|replace|split)$)/, "-");
    if (/^-c/.test(op) && op !== "-contains") throw new PsUnsupported(`case-sensitive ${op}`, node);
    const left = this.evalExpression(leftNode!, scope);
    const right = this.evalExpression(rightNode!, scope);
    const scalar = (l: unknown): boolean => {
      switch (op) {
        case "-eq":
          return equals(l, right);
        case "-ne":
          return !equals(l, right);
        case "-lt":
          return compareValues(l, right) < 0;
        case "-le":
          return compareValues(l, right) <= 0;
        case "-gt":
          return compareValues(l, right) > 0;
        case "-ge":
          return compareValues(l, right) >= 0;
        case "-like":
          return wildcardToRegExp(toPsString(right)).test(toPsString(l));
        case "-notlike":
          return !wildcardToRegExp(toPsString(right)).test(toPsString(l));
        default:
          throw new PsUnsupported(op, node);
      }
    };
    switch (op) {
      case "-eq":
      case "-ne":
      case "-lt":
      case "-le":
      case "-gt":
      case "-ge":
      case "-like":
      case "-notlike":
        // An array on the left filters: the elements for which the comparison holds.
        return Array.isArray(left) ? left.filter(scalar) : scalar(left);
      case "-in":
        return asArray(right).some((r) => equals(r, left));
      case "-notin":
        return !asArray(right).some((r) => equals(r, left));
      case "-contains":
        return asArray(left).some((l) => equals(l, right));
      case "-notcontains":
        return !asArray(left).some((l) => equals(l, right));
      case "-match":
      case "-notmatch": {
        if (Array.isArray(left)) throw new PsUnsupported(`${op} on an array`, node);
        const match = dotNetRegExp(toPsString(right)).exec(toPsString(left));
        if (match && op === "-match") {
          const matches = new PsHashtable();
          match.forEach((g, i) => matches.set(i, g ?? null));
          this.scopeForMatches(scope).set("Matches", matches);
        }
        return op === "-match" ? !!match : !match;
      }
      case "-replace": {
        const [pattern, replacement] = asArray(right).map(toPsString);
        return toPsString(left).replace(dotNetRegExp(pattern!, false, true), replacement ?? "");
      }
      case "-split":
        return toPsString(left).split(dotNetRegExp(toPsString(right)));
      case "-join":
        return asArray(left).map(toPsString).join(toPsString(right));
      case "-is":
      case "-isnot":
        throw new PsUnsupported(op, node);
      default:
        throw new PsUnsupported(`operator ${op}`, node);
    }
  }

  private scopeForMatches(scope: Scope): Scope {
    return scope;
  }

  private evalString(node: Node, scope: Scope): string {
    const inner = node.child(0)!;
    if (inner.type === "verbatim_string_characters" || node.text.startsWith("'")) {
      const text = node.text;
      if (text.startsWith("@'")) return text.replace(/^@'\r?\n/, "").replace(/\r?\n'@$/, "");
      return text.slice(1, -1).replace(/''/g, "'");
    }
    if (node.text.startsWith('@"')) throw new PsUnsupported("here-string", node);
    // "…": the text between the quotes, with $var, ${var} and $(…) replaced and backtick escapes decoded.
    const text = inner.text;
    const base = inner.startIndex;
    let result = "";
    let position = 1;
    const parts = named(inner).filter((c) => c.type === "variable" || c.type === "sub_expression");
    for (const part of parts) {
      result += decodeEscapes(text.slice(position, part.startIndex - base));
      const value = part.type === "variable" ? this.readVariable(part.text, scope, part) : this.evalExpression(part, scope);
      result += toPsString(value);
      position = part.endIndex - base;
    }
    result += decodeEscapes(text.slice(position, text.length - 1));
    return result;
  }
}

class ScriptBlockValue {
  constructor(readonly node: Node) {}
}

function decodeEscapes(text: string): string {
  return text.replace(/`(.)/g, (_m, ch: string) => ({ n: "\n", r: "\r", t: "\t", "0": "\0", a: "\x07" })[ch] ?? ch).replace(/""/g, '"');
}

function* walkNodes(node: Node): Generator<Node> {
  yield node;
  for (const child of node.children) if (child) yield* walkNodes(child);
}
