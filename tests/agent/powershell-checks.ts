/**
 * What the agent script does, proved from its syntax tree rather than searched for in its text (issue 22 item 5):
 *   - external-command-path  every program it starts is named by a full path under $env:SystemRoot
 *   - atomic-write           every file write goes through Write-AtomicFile, which writes a temporary file and renames
 *   - secret-leak            no secret (enrolment secret, device key, machine key, anything assigned from them) reaches
 *                            an external command's arguments, a log call, Write-Host/Output, an event-log write or a throw
 *   - http-helper            Invoke-WebRequest/RestMethod only inside Invoke-AgentHttp, always with -TimeoutSec
 *   - sysnative-relaunch     a 32-bit host on a 64-bit Windows relaunches through Sysnative before anything else
 *   - dot-source-safe        dot-sourcing the script (as Pester does) runs nothing but definitions
 *   - mutex                  a Global\ mutex is taken (and a run that cannot take it stops) around the run
 *   - schedule-jitter        every time trigger of the scheduled task has a -RandomDelay
 *   - recursive-delete       nothing is deleted recursively (a recursive delete follows links a user planted)
 *   - dpapi-scope            DPAPI is used with the machine scope only, and key material comes from the CSPRNG
 *   - ascii                  the file is ASCII (5.1 reads a BOM-less UTF-8 script in the ANSI code page)
 *   - syntax, ps7-syntax     it parses, with no PowerShell 7-only operator (./powershell-syntax.ts)
 * Each check returns violations with the line; tests/agent/agent-mutations.ts shows that each one catches the bugs
 * it is meant to.
 */
import { unwrap } from "./powershell-evaluator";
import {
  codeWithoutStringsAndComments,
  findPs7OnlySyntax,
  findSyntaxProblems,
  parsePowerShell,
  walk,
  type PsNode as Node,
  type PsTree as Tree,
} from "./powershell-syntax";

export type CheckId =
  | "syntax"
  | "ps7-syntax"
  | "external-command-path"
  | "atomic-write"
  | "secret-leak"
  | "http-helper"
  | "sysnative-relaunch"
  | "dot-source-safe"
  | "mutex"
  | "schedule-jitter"
  | "recursive-delete"
  | "dpapi-scope"
  | "ascii";

export interface Violation {
  check: CheckId;
  line: number;
  message: string;
}

const line = (node: Node) => node.startPosition.row + 1;
const violation = (check: CheckId, node: Node, message: string): Violation => ({ check, line: line(node), message });

// ---------------------------------------------------------------- tree helpers

export interface CommandCall {
  node: Node;
  /** The command's name as written (`Remove-Item`, `dsregcmd`), or null when invoked with & on an expression. */
  name: string | null;
  /** `&` or `.` when present. */
  invocation: string | null;
  /** For `& expr`: the expression (path or script block). */
  target: Node | null;
  /** -Parameter → its value node, or null for a switch. Keys lower-case without the dash. */
  parameters: Map<string, Node | null>;
  positional: Node[];
  /** Every argument node (values, positional, splats, New-Object's argument list). */
  arguments: Node[];
}

/** Switches the script uses that can be followed by a positional argument. */
const KNOWN_SWITCHES = new Set([
  "force",
  "recurse",
  "usebasicparsing",
  "proxyusedefaultcredentials",
  "hidden",
  "allowstartifonbatteries",
  "dontstopifgoingonbatteries",
  "startwhenavailable",
  "atlogon",
  "once",
  "daily",
  "descending",
  "unique",
  "file",
  "directory",
  "compress",
  "noprofile",
  "noninteractive",
]);

const callCache = new WeakMap<Node, CommandCall>();

export function commandCall(node: Node): CommandCall {
  let call = callCache.get(node);
  if (!call) {
    call = parseCommandCall(node);
    callCache.set(node, call);
  }
  return call;
}

function parseCommandCall(node: Node): CommandCall {
  const invocation = node.children.find((c) => c?.type === "command_invokation_operator")?.text ?? null;
  const nameNode = node.childForFieldName("command_name");
  let name: string | null = null;
  let target: Node | null = null;
  if (nameNode?.type === "command_name") name = nameNode.text;
  else if (nameNode?.type === "command_name_expr") {
    const inner = nameNode.namedChildren[0] ?? null;
    if (inner?.type === "path_command_name" && !inner.namedChildren.some((c) => c?.type === "variable")) name = inner.text;
    else target = inner?.type === "path_command_name" ? (inner.namedChildren.find((c) => c?.type === "variable") ?? inner) : inner;
  }
  const foreach = node.children.find((c) => c?.type === "foreach_command");
  if (foreach) name = foreach.child(0)!.text;
  const elements = foreach ? foreach : node.childForFieldName("command_elements");
  const items = elements
    ? (foreach ? elements.namedChildren.slice(0) : elements.namedChildren).filter(
        (c): c is Node => !!c && c.type !== "command_argument_sep" && c.type !== "comment",
      )
    : [];
  const parameters = new Map<string, Node | null>();
  const positional: Node[] = [];
  const args: Node[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.type === "command_parameter") {
      const key = item.text.replace(/^-/, "").replace(/:$/, "").toLowerCase();
      const next = items[i + 1];
      if (next && next.type !== "command_parameter" && next.type !== "redirection" && !KNOWN_SWITCHES.has(key)) {
        parameters.set(key, next);
        args.push(next);
        i++;
      } else parameters.set(key, null);
    } else if (item.type !== "redirection") {
      positional.push(item);
      args.push(item);
    }
  }
  return { node, name, invocation, target, parameters, positional, arguments: args };
}

const commandCache = new WeakMap<Node, CommandCall[]>();

export function commands(root: Node): CommandCall[] {
  let calls = commandCache.get(root);
  if (!calls) {
    calls = walk(root)
      .filter((n) => n.type === "command")
      .map(commandCall);
    commandCache.set(root, calls);
  }
  return calls;
}

export function functionDefinitions(tree: Tree): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const n of walk(tree.rootNode)) {
    if (n.type !== "function_statement") continue;
    const name = n.children.find((c) => c?.type === "function_name")?.text;
    if (name) map.set(name.toLowerCase(), n);
  }
  return map;
}

const enclosing = new WeakMap<Node, string | null>();

export function enclosingFunction(node: Node): string | null {
  if (enclosing.has(node)) return enclosing.get(node)!;
  let name: string | null = null;
  if (node.parent)
    name =
      node.parent.type === "function_statement"
        ? (node.parent.children.find((c) => c?.type === "function_name")?.text ?? null)
        : enclosingFunction(node.parent);
  enclosing.set(node, name);
  return name;
}

const variableKey = (text: string) =>
  text
    .replace(/^[$@]/, "")
    .replace(/^\{(.*)\}$/, "$1")
    .replace(/^(script|global|local|private):/i, "")
    .toLowerCase();

/** Every `$name = value` in the script, by variable name (scope prefix dropped, lower-case). */
function assignmentsByVariable(tree: Tree): Map<string, Node[]> {
  const map = new Map<string, Node[]>();
  for (const n of walk(tree.rootNode)) {
    if (n.type !== "assignment_expression") continue;
    const left = unwrap(n.child(0)!);
    if (left.type !== "variable") continue;
    const key = variableKey(left.text);
    const value = n.childForFieldName("value");
    if (value) map.set(key, [...(map.get(key) ?? []), value]);
  }
  return map;
}

function parameterNames(tree: Tree): Set<string> {
  const set = new Set<string>();
  for (const n of walk(tree.rootNode)) {
    if (n.type === "script_parameter") {
      const v = n.children.find((c) => c?.type === "variable");
      if (v) set.add(variableKey(v.text));
    }
    if (n.type === "foreach_statement") {
      const v = n.children.find((c) => c?.type === "variable");
      if (v) set.add(variableKey(v.text));
    }
  }
  return set;
}

// ---------------------------------------------------------------- external-command-path

const ALLOWED_BARE = /^[A-Za-z]+-[A-Za-z][A-Za-z0-9]*$/; // Verb-Noun: a cmdlet or one of the script's functions

/** Is this expression a path under the Windows folder: Get-SystemExecutable, Join-Path $env:SystemRoot …,
 * "$env:SystemRoot\…", or a variable only ever assigned one of those? */
function isSystemPath(input: Node, tree: Tree, assignments: Map<string, Node[]>, params: Set<string>, seen = new Set<string>()): boolean {
  let node = unwrap(input);
  if (node.type === "parenthesized_expression") node = unwrap(node.namedChildren[0]!);
  if (node.type === "command") {
    const call = commandCall(node);
    if (call.name?.toLowerCase() === "get-systemexecutable") return true;
    if (call.name?.toLowerCase() === "join-path") {
      // Under the Windows folder, or a .ps1 shipped beside this script (an Intune package's folder, admin-only).
      const first = call.parameters.get("path") ?? call.positional[0];
      const child = call.parameters.get("childpath") ?? call.positional[1];
      if (first && /^\$PSScriptRoot$/i.test(unwrap(first).text)) return !!child && /^'[\w.-]+\.ps1'$/i.test(unwrap(child).text);
      return !!first && /^\$(\{)?env:SystemRoot\}?$/i.test(unwrap(first).text);
    }
    return false;
  }
  if (node.type === "string_literal") return /^"\$(\{env:SystemRoot\}|env:SystemRoot)\\/i.test(node.text);
  if (node.type === "variable") {
    const key = variableKey(node.text);
    if (params.has(key) || seen.has(key)) return false;
    seen.add(key);
    const values = assignments.get(key) ?? [];
    return values.length > 0 && values.every((v) => isSystemPath(v, tree, assignments, params, seen));
  }
  return false;
}

export function checkExternalCommandPaths(tree: Tree): Violation[] {
  const out: Violation[] = [];
  const functions = functionDefinitions(tree);
  const assignments = assignmentsByVariable(tree);
  const params = parameterNames(tree);
  for (const call of commands(tree.rootNode)) {
    if (call.invocation) {
      if (call.target?.type === "script_block_expression") continue;
      if (!call.target || !isSystemPath(call.target, tree, assignments, params)) {
        out.push(
          violation("external-command-path", call.node, `"${call.node.text.slice(0, 60)}" starts a program not named by a full path under $env:SystemRoot`),
        );
      }
      continue;
    }
    const name = call.name ?? "";
    if (!functions.has(name.toLowerCase()) && !ALLOWED_BARE.test(name)) {
      out.push(
        violation("external-command-path", call.node, `"${name}" is an external command or alias found through PATH; call it as & (Get-SystemExecutable '…')`),
      );
      continue;
    }
    const lower = name.toLowerCase();
    const executable =
      lower === "new-scheduledtaskaction"
        ? call.parameters.get("execute")
        : lower === "start-process"
          ? (call.parameters.get("filepath") ?? call.positional[0])
          : undefined;
    if (executable !== undefined && (!executable || !isSystemPath(executable, tree, assignments, params))) {
      out.push(violation("external-command-path", call.node, `${name} runs "${executable?.text ?? "?"}", not a full path under $env:SystemRoot`));
    }
  }
  for (const n of walk(tree.rootNode)) {
    if (n.type === "invokation_expression" && /^\[(System\.)?Diagnostics\.Process\]::Start$/i.test(n.text.split("(")[0]!.replace(/\s/g, ""))) {
      out.push(violation("external-command-path", n, "[Diagnostics.Process]::Start: use & (Get-SystemExecutable …)"));
    }
  }
  return out;
}

// ---------------------------------------------------------------- atomic-write

export const ATOMIC_WRITE_HELPER = "Write-AtomicFile";
const WRITING_CMDLETS = new Set(["set-content", "add-content", "out-file", "tee-object", "export-clixml", "export-csv", "copy-item", "move-item"]);
const WRITING_FILE_MEMBERS = /^(write|append|create|open|copy|move|replace|encrypt)/i;
const WRITING_TYPES = /^\[?(System\.)?IO\.(FileStream|StreamWriter|BinaryWriter)\]?$/i;

const fileWriteCache = new WeakMap<Tree, { node: Node; what: string }[]>();

function fileWrites(tree: Tree): { node: Node; what: string }[] {
  const cached = fileWriteCache.get(tree);
  if (cached) return cached;
  const writes: { node: Node; what: string }[] = [];
  for (const call of commands(tree.rootNode)) {
    const lower = (call.name ?? "").toLowerCase();
    if (WRITING_CMDLETS.has(lower)) writes.push({ node: call.node, what: call.name! });
    if (lower === "new-item") {
      const type = call.parameters.get("itemtype");
      if ((type && /file/i.test(type.text)) || call.parameters.has("value")) writes.push({ node: call.node, what: "New-Item (file)" });
    }
    const readOnly = /FileAccess\]::Read\s*,/i.test(call.node.text) && !/FileAccess\]::(Read)?Write/i.test(call.node.text);
    if (lower === "new-object" && call.positional[0] && WRITING_TYPES.test(call.positional[0].text) && !readOnly)
      writes.push({ node: call.node, what: `New-Object ${call.positional[0].text}` });
  }
  for (const n of walk(tree.rootNode)) {
    if (n.type === "redirection" && n.children.some((c) => c?.type === "file_redirection_operator")) writes.push({ node: n, what: `redirection ${n.text}` });
    if (n.type !== "invokation_expression") continue;
    const target = n.child(0);
    const member = n.children.find((c) => c?.type === "member_name")?.text ?? "";
    if (target?.type !== "type_literal") continue;
    const type = target.text.replace(/\s/g, "");
    if (/^\[(System\.)?IO\.File\]$/i.test(type) && WRITING_FILE_MEMBERS.test(member) && !/^openread$/i.test(member))
      writes.push({ node: n, what: `${type}::${member}` });
    if (WRITING_TYPES.test(type) && /^new$/i.test(member)) writes.push({ node: n, what: `${type}::new` });
  }
  fileWriteCache.set(tree, writes);
  return writes;
}

export function checkAtomicWrites(tree: Tree): Violation[] {
  const out: Violation[] = [];
  const helper = functionDefinitions(tree).get(ATOMIC_WRITE_HELPER.toLowerCase());
  if (!helper) return [{ check: "atomic-write", line: 1, message: `no ${ATOMIC_WRITE_HELPER} function` }];
  for (const write of fileWrites(tree)) {
    if (enclosingFunction(write.node)?.toLowerCase() !== ATOMIC_WRITE_HELPER.toLowerCase()) {
      out.push(
        violation("atomic-write", write.node, `${write.what} outside ${ATOMIC_WRITE_HELPER}: files are written to a temporary file and renamed into place`),
      );
    }
  }
  // The helper itself: a new temporary file (CreateNew, never an existing path or link), then a rename onto $Path.
  const helperWrites = fileWrites(tree).filter((w) => enclosingFunction(w.node)?.toLowerCase() === ATOMIC_WRITE_HELPER.toLowerCase());
  const createsTemp = helperWrites.some((w) => /^New-Object/i.test(w.what) && /FileMode\]::CreateNew/i.test(w.node.text) && /\$temp\b/i.test(w.node.text));
  const renames = helperWrites.filter((w) => /^(Move-Item|\[(System\.)?IO\.File\]::Replace)/i.test(w.what));
  if (!createsTemp) out.push(violation("atomic-write", helper, `${ATOMIC_WRITE_HELPER} must create a new temporary file with FileMode CreateNew`));
  if (renames.length === 0)
    out.push(violation("atomic-write", helper, `${ATOMIC_WRITE_HELPER} must move the temporary file onto $Path (Move-Item -Force or [IO.File]::Replace)`));
  for (const rename of renames) {
    const text = rename.node.text;
    const ok = /^Move-Item/i.test(rename.what)
      ? /-LiteralPath \$temp\b/i.test(text) && /-Destination \$Path\b/i.test(text) && /-Force\b/i.test(text)
      : /::Replace\(\s*\$temp\s*,\s*\$Path\b/i.test(text);
    if (!ok) out.push(violation("atomic-write", rename.node, `${rename.what} in ${ATOMIC_WRITE_HELPER} must move $temp onto $Path`));
  }
  for (const w of helperWrites) {
    if (!/^New-Object/i.test(w.what) && !renames.includes(w))
      out.push(violation("atomic-write", w.node, `${w.what} writes in place inside ${ATOMIC_WRITE_HELPER}`));
  }
  return out;
}

// ---------------------------------------------------------------- secret-leak

const SECRET_NAME = /(secret|token|devicekey|machinekey|password|bearer|credential)/i;
/** Names that contain those words but hold no secret: a file path, where a secret came from, a redaction pseudonym. */
const NOT_SECRET_NAME = /(file|source|store|tomask|usertoken|secretsource)$/i;
/** Functions whose result is masked. */
const SANITIZERS = new Set(["protect-logtext"]);
/** Functions whose result is a secret. */
const SECRET_FUNCTION = /^Get-\w*(secret|machinekey|devicekey)$/i;
const LOG_COMMANDS = new Set([
  "write-host",
  "write-output",
  "write-verbose",
  "write-warning",
  "write-error",
  "write-information",
  "write-debug",
  "write-eventlog",
  "write-agentlog",
  "out-host",
  "out-default",
]);

function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

type Taint = "secret" | "container" | null;
const worst = (a: Taint, b: Taint): Taint => (a === "secret" || b === "secret" ? "secret" : (a ?? b));

export interface SecretFlow {
  /** Variables that hold a secret, keyed `function::name` for a function's locals and parameters, `::name` for the
   * script's own. */
  variables: Map<string, Taint>;
  /** Where each variable node resolves to. */
  keyOf: (variable: Node) => string;
  /** The script's functions whose result is a container of a secret (a hashtable with a member named like one). */
  functions: Map<string, Taint>;
  /** taintOf's answers during one round of the fixpoint (a stale answer only delays the fixpoint by a round). */
  cache?: Map<Node, Taint>;
}

/**
 * Where secrets flow, field by field: a variable is "secret" when it holds one (named like one, or assigned from an
 * expression that holds one), a "container" when a member named like a secret holds one ($Context.EnrolmentSecret):
 * using a container whole leaks, reading its other members ($Context.Hostname) does not. Follows assignments,
 * member assignments, foreach and the arguments of calls to the script's functions into their parameters, to a
 * fixpoint. A function's result is a container when it returns a hashtable with a member named like a secret; the
 * values a function computes from its parameters are not followed back out (that would taint every caller of a
 * shared helper such as ConvertTo-BodyBytes).
 */
export function secretFlow(tree: Tree): SecretFlow {
  const functions = functionDefinitions(tree);
  const locals = new Map<string, Set<string>>();
  for (const [name, fn] of functions) {
    const set = new Set(functionParameters(fn).map((p) => p.name));
    for (const n of walk(fn)) {
      if (n.type === "assignment_expression") {
        const left = unwrap(n.child(0)!);
        if (left.type === "variable" && !/^\$\{?(script|global):/i.test(left.text)) set.add(variableKey(left.text));
      }
      if (n.type === "foreach_statement") {
        const v = n.children.find((c) => c?.type === "variable");
        if (v) set.add(variableKey(v.text));
      }
    }
    locals.set(name, set);
  }
  const keyOf = (variable: Node): string => {
    const name = variableKey(variable.text);
    if (/^[$@]\{?(script|global):/i.test(variable.text)) return `::${name}`;
    const fn = (enclosingFunction(variable) ?? "").toLowerCase();
    return fn && locals.get(fn)?.has(name) ? `${fn}::${name}` : `::${name}`;
  };
  const state: SecretFlow = { variables: new Map(), functions: new Map(), keyOf };
  for (const n of walk(tree.rootNode)) if (n.type === "variable" && isSecretName(variableKey(n.text))) state.variables.set(keyOf(n), "secret");
  const raise = (map: Map<string, Taint>, key: string, taint: Taint) => {
    const before = map.get(key) ?? null;
    const after = worst(before, taint);
    if (after !== before) {
      map.set(key, after);
      return true;
    }
    return false;
  };
  // The nodes through which a secret can move, outside the sanitizer.
  const flowNodes = walk(tree.rootNode).filter(
    (n) =>
      (n.type === "assignment_expression" ||
        n.type === "foreach_statement" ||
        n.type === "command" ||
        (n.type === "flow_control_statement" && n.child(0)?.type === "return")) &&
      !SANITIZERS.has((enclosingFunction(n) ?? "").toLowerCase()),
  );
  let rounds = 0;
  for (let changed = true; changed; rounds++) {
    if (rounds > 50) throw new Error("secretFlow: no fixpoint after 50 rounds");
    changed = false;
    state.cache = new Map();
    for (const n of flowNodes) {
      if (n.type === "assignment_expression") {
        const left = unwrap(n.child(0)!);
        const value = n.childForFieldName("value");
        if (!value) continue;
        const taint = taintOf(value, state);
        if (left.type === "variable") changed = raise(state.variables, keyOf(left), taint) || changed;
        else if (left.type === "member_access" || left.type === "element_access") {
          let base: Node = left;
          while ((base.type === "member_access" || base.type === "element_access") && base.child(0)) base = unwrap(base.child(0)!);
          const member =
            left.type === "member_access"
              ? (left.children.find((c) => c?.type === "member_name")?.text ?? "")
              : unwrap(left.namedChildren[1]!).text.replace(/^['"]|['"]$/g, "");
          const result: Taint = isSecretName(member) ? "container" : taint === "secret" ? "secret" : taint;
          if (base.type === "variable") changed = raise(state.variables, keyOf(base), result) || changed;
        }
      } else if (n.type === "foreach_statement") {
        const v = n.children.find((c) => c?.type === "variable");
        const source = n.children.find((c) => c?.type === "pipeline");
        if (v && source) changed = raise(state.variables, keyOf(v), taintOf(source, state)) || changed;
      } else if (n.type === "flow_control_statement" && n.child(0)?.type === "return") {
        const fn = enclosingFunction(n);
        const value = n.namedChildren.find((c) => c?.type === "pipeline");
        if (fn && value && taintOf(value, state) === "container") changed = raise(state.functions, fn.toLowerCase(), "container") || changed;
      } else if (n.type === "command") {
        // Arguments of a call to one of the script's functions flow into its parameters.
        const call = commandCall(n);
        const fnName = (call.name ?? "").toLowerCase();
        const fn = functions.get(fnName);
        if (!fn || SANITIZERS.has(fnName)) continue;
        const params = functionParameters(fn);
        const positionalParams = params.filter((p) => !call.parameters.has(p.name) && !p.isSwitch);
        call.positional.forEach((arg, i) => {
          const param = positionalParams[i];
          if (param) changed = raise(state.variables, `${fnName}::${param.name}`, taintOf(arg, state)) || changed;
        });
        for (const [name, arg] of call.parameters) if (arg) changed = raise(state.variables, `${fnName}::${name}`, taintOf(arg, state)) || changed;
      }
    }
  }
  state.cache = undefined;
  return state;
}

const parameterCache = new WeakMap<Node, { name: string; isSwitch: boolean }[]>();

function functionParameters(fn: Node): { name: string; isSwitch: boolean }[] {
  let params = parameterCache.get(fn);
  if (!params) {
    params = parseFunctionParameters(fn);
    parameterCache.set(fn, params);
  }
  return params;
}

function parseFunctionParameters(fn: Node): { name: string; isSwitch: boolean }[] {
  const declaration = fn.children.find((c) => c?.type === "function_parameter_declaration");
  const paramBlock = fn.children.find((c) => c?.type === "script_block")?.children.find((c) => c?.type === "param_block");
  const list = (declaration ?? paramBlock)?.children.find((c) => c?.type === "parameter_list");
  return (list?.namedChildren ?? [])
    .filter((p): p is Node => p?.type === "script_parameter")
    .map((p) => ({ name: variableKey(p.children.find((c) => c?.type === "variable")!.text), isSwitch: /\[switch\]/i.test(p.text) }));
}

/** What an expression carries: a secret, a container of one (which leaks when used whole), or nothing. A command's
 * arguments do not make its result secret; Get-…Secret / Get-…Key functions and the script's container-returning
 * functions do. */
export function taintOf(node: Node, state: SecretFlow): Taint {
  const cached = state.cache?.get(node);
  if (cached !== undefined) return cached;
  const taint = computeTaint(node, state);
  state.cache?.set(node, taint);
  return taint;
}

function computeTaint(node: Node, state: SecretFlow): Taint {
  switch (node.type) {
    case "command": {
      const call = commandCall(node);
      const name = (call.name ?? "").toLowerCase();
      if (SANITIZERS.has(name)) return null;
      if (SECRET_FUNCTION.test(name)) return "secret";
      return state.functions.get(name) ?? null;
    }
    case "variable":
      return state.variables.get(state.keyOf(node)) ?? null;
    case "member_access":
    case "invokation_expression": {
      const target = node.child(0)!;
      const member = node.children.find((c) => c?.type === "member_name")?.text ?? "";
      const args = node.children.find((c) => c?.type === "argument_list");
      let taint: Taint = args ? taintOf(args, state) : null;
      if (taint === "container") taint = "secret";
      if (target.type === "type_literal") return taint;
      if (isSecretName(member)) return "secret";
      return worst(taint, taintOf(target, state) === "secret" ? "secret" : null);
    }
    case "element_access": {
      const key = unwrap(node.namedChildren[1]!).text.replace(/^['"]|['"]$/g, "");
      if (isSecretName(key)) return "secret";
      return taintOf(node.child(0)!, state) === "secret" ? "secret" : null;
    }
    case "hash_literal_expression": {
      let taint: Taint = null;
      const body = node.children.find((c) => c?.type === "hash_literal_body");
      for (const entry of body?.namedChildren ?? []) {
        if (entry?.type !== "hash_entry") continue;
        const key = entry.children.find((c) => c?.type === "key_expression")?.text.replace(/^['"]|['"]$/g, "") ?? "";
        const value = entry.children.find((c) => c?.type === "pipeline");
        const t = value ? taintOf(value, state) : null;
        if (isSecretName(key)) taint = worst(taint, "container");
        else if (t) taint = worst(taint, t);
      }
      return taint;
    }
    default: {
      let taint: Taint = null;
      for (const child of node.children) if (child) taint = worst(taint, taintOf(child, state));
      return taint;
    }
  }
}

export function checkSecretLeaks(tree: Tree): Violation[] {
  const out: Violation[] = [];
  const flow = secretFlow(tree);
  const inSanitizer = (n: Node) => SANITIZERS.has((enclosingFunction(n) ?? "").toLowerCase());
  for (const call of commands(tree.rootNode)) {
    if (inSanitizer(call.node)) continue;
    const lower = (call.name ?? "").toLowerCase();
    let sink: string | null = null;
    let args = call.arguments;
    if (call.invocation && call.target?.type !== "script_block_expression") sink = "an external command's arguments";
    else if (LOG_COMMANDS.has(lower)) sink = `${call.name}`;
    else if (lower === "new-scheduledtaskaction") {
      sink = "a scheduled task's command line";
      args = [call.parameters.get("argument"), call.parameters.get("execute")].filter((a): a is Node => !!a);
    } else if (lower === "start-process") {
      sink = "a process's command line";
      args = [call.parameters.get("argumentlist"), call.parameters.get("filepath")].filter((a): a is Node => !!a);
    }
    if (!sink) continue;
    for (const arg of args) {
      if (taintOf(arg, flow)) out.push(violation("secret-leak", arg, `a secret (${arg.text.slice(0, 50)}) reaches ${sink}`));
    }
  }
  for (const n of walk(tree.rootNode)) {
    if (inSanitizer(n)) continue;
    if (n.type === "invokation_expression") {
      const head = n.text.split("(")[0]!.replace(/\s/g, "");
      if (/(EventLog\]::WriteEntry|\.WriteEntry|Console\]::Write(Line)?|\.WriteLine)$/i.test(head)) {
        const args = n.children.find((c) => c?.type === "argument_list");
        if (args && taintOf(args, flow)) out.push(violation("secret-leak", n, `a secret reaches ${head}`));
      }
    }
    if (n.type === "flow_control_statement" && n.child(0)?.type === "throw") {
      const value = n.namedChildren.find((c) => c?.type === "pipeline");
      if (value && taintOf(value, flow)) out.push(violation("secret-leak", n, "a secret reaches a throw (its message is logged)"));
    }
  }
  return out;
}

// ---------------------------------------------------------------- http-helper

export const HTTP_HELPER = "Invoke-AgentHttp";
const HTTP_COMMANDS = new Set(["invoke-webrequest", "invoke-restmethod", "iwr", "irm", "curl", "wget"]);

export function checkHttpHelper(tree: Tree): Violation[] {
  const out: Violation[] = [];
  let inHelper = 0;
  for (const call of commands(tree.rootNode)) {
    const lower = (call.name ?? "").toLowerCase();
    if (!HTTP_COMMANDS.has(lower)) continue;
    if (enclosingFunction(call.node)?.toLowerCase() !== HTTP_HELPER.toLowerCase()) {
      out.push(violation("http-helper", call.node, `${call.name} outside ${HTTP_HELPER}: every request goes through the one helper (proxy, timeout, errors)`));
      continue;
    }
    inHelper++;
    const timeout = call.parameters.get("timeoutsec");
    if (!timeout || /^0+$/.test(unwrap(timeout).text))
      out.push(violation("http-helper", call.node, `${call.name} without a -TimeoutSec (the default waits 100 s in 5.1 and forever in 7)`));
  }
  for (const n of walk(tree.rootNode)) {
    if (
      (n.type === "type_literal" || n.type === "generic_token") &&
      /(Net\.WebClient|Net\.Http\.HttpClient|Net\.WebRequest|Net\.HttpWebRequest)\]?$/i.test(n.text)
    ) {
      out.push(violation("http-helper", n, `${n.text}: use ${HTTP_HELPER}`));
    }
  }
  if (inHelper === 0) out.push({ check: "http-helper", line: 1, message: `${HTTP_HELPER} does not call Invoke-WebRequest` });
  return out;
}

// ---------------------------------------------------------------- main guard, relaunch, mutex

function topLevelStatements(tree: Tree): Node[] {
  const list = tree.rootNode.children.find((c) => c?.type === "statement_list");
  return list ? list.namedChildren.filter((c): c is Node => !!c && c.type !== "comment" && c.type !== "empty_statement") : [];
}

function isMainGuard(node: Node): boolean {
  if (node.type !== "if_statement") return false;
  const condition = node.childForFieldName("condition")?.text.replace(/\s+/g, " ") ?? "";
  return /^\$MyInvocation\.InvocationName -ne '\.'$/i.test(condition);
}

function isConstant(value: Node): boolean {
  const inner = unwrap(value);
  if (["string_literal", "integer_literal", "real_literal", "hash_literal_expression"].includes(inner.type)) return !/\$\(/.test(inner.text);
  if (inner.type === "variable") return /^\$(true|false|null)$/i.test(inner.text);
  if (inner.type === "array_expression") return inner.text.replace(/\s/g, "") === "@()";
  if (inner.type === "command") {
    const call = commandCall(inner);
    return call.name?.toLowerCase() === "new-object" && /^System\.Collections\./i.test(call.positional[0]?.text ?? "");
  }
  return false;
}

export function checkDotSourceSafe(tree: Tree): Violation[] {
  const out: Violation[] = [];
  let guards = 0;
  for (const statement of topLevelStatements(tree)) {
    if (statement.type === "function_statement" || statement.type === "param_block" || statement.type === "attribute_list") continue;
    if (isMainGuard(statement)) {
      guards++;
      continue;
    }
    const inner = unwrap(statement);
    if (inner.type === "assignment_expression" && isConstant(inner.childForFieldName("value")!)) continue;
    out.push(
      violation(
        "dot-source-safe",
        statement,
        `"${statement.text.slice(0, 50)}" runs when the script is dot-sourced: put it inside if ($MyInvocation.InvocationName -ne '.')`,
      ),
    );
  }
  if (guards !== 1)
    out.push({ check: "dot-source-safe", line: 1, message: `expected one main guard if ($MyInvocation.InvocationName -ne '.'), found ${guards}` });
  return out;
}

/** The statements reachable from `node`: its own, and those of the script's functions it calls, transitively. */
function reachable(node: Node, functions: Map<string, Node>, seen = new Set<string>()): Node[] {
  const nodes = [...walk(node)];
  for (const call of commands(node)) {
    const key = (call.name ?? "").toLowerCase();
    const fn = functions.get(key);
    if (fn && !seen.has(key)) {
      seen.add(key);
      nodes.push(...reachable(fn, functions, seen));
    }
  }
  return nodes;
}

export function checkSysnativeRelaunch(tree: Tree): Violation[] {
  const guard = topLevelStatements(tree).find(isMainGuard);
  if (!guard) return [{ check: "sysnative-relaunch", line: 1, message: "no main guard" }];
  const functions = functionDefinitions(tree);
  const assignments = assignmentsByVariable(tree);
  const params = parameterNames(tree);
  const body = guard.children.find((c) => c?.type === "statement_block")?.children.find((c) => c?.type === "statement_list");
  const statements = body ? body.namedChildren.filter((c): c is Node => !!c && c.type !== "comment") : [];
  const relaunchIndex = statements.findIndex((s) => {
    if (s.type !== "if_statement") return false;
    const condition = (s.childForFieldName("condition")?.text ?? "").replace(/\s+/g, " ");
    return /\[Environment\]::Is64BitOperatingSystem -and -not \[Environment\]::Is64BitProcess/i.test(condition) && !/-or/i.test(condition);
  });
  if (relaunchIndex < 0)
    return [violation("sysnative-relaunch", guard, "no if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) in the main guard")];
  const relaunch = statements[relaunchIndex]!;
  const out: Violation[] = [];
  const block = relaunch.children.find((c) => c?.type === "statement_block")!;
  const nodes = reachable(block, functions);
  const launchesSysnative = nodes.some((n) => {
    if (n.type !== "command") return false;
    const call = commandCall(n);
    if (!call.invocation || !call.target) return false;
    if (!isSystemPath(call.target, tree, assignments, params)) return false;
    const target = unwrap(call.target);
    const values = target.type === "variable" ? (assignments.get(variableKey(target.text)) ?? []) : [target];
    return values.length > 0 && values.every((v) => /Sysnative\\WindowsPowerShell\\v1\.0\\powershell\.exe/i.test(v.text));
  });
  if (!launchesSysnative)
    out.push(violation("sysnative-relaunch", relaunch, "the 32-bit branch does not start $env:SystemRoot\\Sysnative\\WindowsPowerShell\\v1.0\\powershell.exe"));
  if (!nodes.some((n) => n.type === "flow_control_statement" && n.child(0)?.type === "exit"))
    out.push(violation("sysnative-relaunch", relaunch, "the 32-bit branch does not exit after the relaunch"));
  const firstWork = statements.findIndex((s, i) => i !== relaunchIndex && !/^Set-StrictMode|^\$ErrorActionPreference/i.test(s.text));
  if (firstWork >= 0 && firstWork < relaunchIndex)
    out.push(violation("sysnative-relaunch", statements[firstWork]!, "work happens before the 32-bit host relaunches"));
  return out;
}

export function checkMutex(tree: Tree): Violation[] {
  const out: Violation[] = [];
  const functions = functionDefinitions(tree);
  const assignments = assignmentsByVariable(tree);
  // The function that makes the mutex: a named System.Threading.Mutex whose name is a Global\ constant.
  const maker = [...functions.entries()].find(([, fn]) => /System\.Threading\.Mutex\]::new\(|New-Object System\.Threading\.Mutex/i.test(fn.text));
  if (!maker) return [{ check: "mutex", line: 1, message: "no System.Threading.Mutex is created" }];
  const [makerName, makerNode] = maker;
  for (const n of walk(makerNode)) {
    if (n.type !== "invokation_expression" || !/Threading\.Mutex\]::new$/i.test(n.text.split("(")[0]!.replace(/\s/g, ""))) continue;
    const args = n.children.find((c) => c?.type === "argument_list")?.children.find((c) => c?.type === "argument_expression_list");
    const nameArg = args?.namedChildren[1] ? unwrap(args.namedChildren[1]) : null;
    const values = nameArg?.type === "variable" ? (assignments.get(variableKey(nameArg.text)) ?? []) : nameArg ? [nameArg] : [];
    if (values.length === 0 || !values.every((v) => /^'Global\\[^']+'$/.test(unwrap(v).text)))
      out.push(violation("mutex", n, "the mutex is not named with a Global\\ constant (a session-local name does not stop a run in another session)"));
  }
  // It returns $null unless WaitOne acquired it.
  const waits = walk(makerNode).some((n) => n.type === "invokation_expression" && /\.WaitOne$/i.test(n.text.split("(")[0]!));
  const refuses = walk(makerNode).some(
    (n) => n.type === "if_statement" && /^-not \$acquired$/i.test((n.childForFieldName("condition")?.text ?? "").trim()) && /return \$null/i.test(n.text),
  );
  if (!waits || !refuses) out.push(violation("mutex", makerNode, `${makerName} must return $null when WaitOne does not acquire the mutex`));
  // Its caller stops when it gets $null, and runs Invoke-AgentRun inside try/finally that releases it.
  let guarded = false;
  for (const [, fn] of functions) {
    for (const n of walk(fn)) {
      if (n.type !== "assignment_expression") continue;
      const value = unwrap(n.childForFieldName("value")!);
      if (value.type !== "command" || commandCall(value).name?.toLowerCase() !== makerName) continue;
      const variable = unwrap(n.child(0)!).text;
      const escaped = variable.replace(/\$/g, "\\$");
      const stops = walk(fn).some(
        (s) =>
          s.type === "if_statement" &&
          new RegExp(`^\\$null -eq ${escaped}$|^-not ${escaped}$`, "i").test((s.childForFieldName("condition")?.text ?? "").trim()) &&
          /\breturn\b|\bexit\b/i.test(s.text),
      );
      const protectedRun = walk(fn).some(
        (s) =>
          s.type === "try_statement" &&
          /Invoke-AgentRun/i.test(s.children.find((c) => c?.type === "statement_block")?.text ?? "") &&
          new RegExp(`${escaped}\\.ReleaseMutex\\(\\)`, "i").test(s.children.find((c) => c?.type === "finally_clause")?.text ?? ""),
      );
      if (stops && protectedRun) guarded = true;
    }
  }
  if (!guarded)
    out.push({
      check: "mutex",
      line: line(makerNode),
      message: `no caller stops when ${makerName} returns $null and runs Invoke-AgentRun in try { } finally { ReleaseMutex() }`,
    });
  return out;
}

// ---------------------------------------------------------------- schedule jitter, deletes, DPAPI, ASCII

export function checkScheduleJitter(tree: Tree): Violation[] {
  const out: Violation[] = [];
  for (const call of commands(tree.rootNode)) {
    if (call.name?.toLowerCase() !== "new-scheduledtasktrigger") continue;
    const timed = call.parameters.has("once") || call.parameters.has("daily") || call.parameters.has("weekly");
    if (timed && !call.parameters.get("randomdelay"))
      out.push(violation("schedule-jitter", call.node, "a time trigger without -RandomDelay: a fleet installed together reports together"));
    if (call.parameters.has("atlogon")) {
      const assigned = walk(tree.rootNode).some(
        (n) => n.type === "assignment_expression" && /\.Delay$/i.test(unwrap(n.child(0)!).text) && /Get-Random/i.test(n.childForFieldName("value")?.text ?? ""),
      );
      if (!assigned) out.push(violation("schedule-jitter", call.node, "the logon trigger's Delay has no random part"));
    }
  }
  return out;
}

export function checkRecursiveDeletes(tree: Tree): Violation[] {
  const out: Violation[] = [];
  for (const call of commands(tree.rootNode)) {
    if (/^(remove-item|rm|del|rd|rmdir|ri)$/i.test(call.name ?? "") && call.parameters.has("recurse"))
      out.push(violation("recursive-delete", call.node, "Remove-Item -Recurse follows junctions a user may have planted; delete entry by entry"));
  }
  for (const n of walk(tree.rootNode)) {
    if (n.type === "invokation_expression" && /Directory\]::Delete$/i.test(n.text.split("(")[0]!.replace(/\s/g, "")) && /,\s*\$true\s*\)$/i.test(n.text))
      out.push(violation("recursive-delete", n, "[IO.Directory]::Delete(path, $true) is recursive"));
  }
  return out;
}

export function checkDpapiScope(tree: Tree): Violation[] {
  const out: Violation[] = [];
  let calls = 0;
  for (const n of walk(tree.rootNode)) {
    if (n.type !== "invokation_expression" || !/ProtectedData\]::(Protect|Unprotect)$/i.test(n.text.split("(")[0]!.replace(/\s/g, ""))) continue;
    calls++;
    const args = n.children.find((c) => c?.type === "argument_list")?.children.find((c) => c?.type === "argument_expression_list");
    const scope = args?.namedChildren[2];
    if (!scope || !/DataProtectionScope\]::LocalMachine$/i.test(unwrap(scope).text))
      out.push(
        violation(
          "dpapi-scope",
          n,
          "DPAPI must use DataProtectionScope LocalMachine (the agent runs as SYSTEM; CurrentUser ties the keys to one account's profile)",
        ),
      );
  }
  if (calls === 0) out.push({ check: "dpapi-scope", line: 1, message: "the keys are not DPAPI-protected" });
  const keyMaker = functionDefinitions(tree).get("get-machinekey");
  if (!keyMaker || !/RNGCryptoServiceProvider|RandomNumberGenerator/.test(keyMaker.text) || /Get-Random|\[guid\]|System\.Random/i.test(keyMaker.text)) {
    out.push({
      check: "dpapi-scope",
      line: keyMaker ? line(keyMaker) : 1,
      message: "the machine key must come from RNGCryptoServiceProvider (Get-Random and GUIDs are not secrets)",
    });
  }
  return out;
}

export function checkAscii(text: string): Violation[] {
  const out: Violation[] = [];
  text.split("\n").forEach((l, i) => {
    if (/[^\x00-\x7f]/.test(l))
      out.push({ check: "ascii", line: i + 1, message: "non-ASCII character: Windows PowerShell 5.1 reads a BOM-less script in the ANSI code page" });
  });
  return out;
}

/** Every check above on one script: what the mutation test runs. */
export async function checkAgentScript(text: string): Promise<Violation[]> {
  const tree = await parsePowerShell(text);
  const syntax = findSyntaxProblems(tree).map((p): Violation => ({ check: "syntax", line: p.line, message: `${p.kind}: ${p.text}` }));
  const ps7 = findPs7OnlySyntax(codeWithoutStringsAndComments(text, tree)).map((h): Violation => ({
    check: "ps7-syntax",
    line: h.line,
    message: `${h.operator} does not parse in Windows PowerShell 5.1`,
  }));
  return [
    ...syntax,
    ...ps7,
    ...checkAscii(text),
    ...checkExternalCommandPaths(tree),
    ...checkAtomicWrites(tree),
    ...checkSecretLeaks(tree),
    ...checkHttpHelper(tree),
    ...checkDotSourceSafe(tree),
    ...checkSysnativeRelaunch(tree),
    ...checkMutex(tree),
    ...checkScheduleJitter(tree),
    ...checkRecursiveDeletes(tree),
    ...checkDpapiScope(tree),
  ];
}
