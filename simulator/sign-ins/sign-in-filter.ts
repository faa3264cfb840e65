/**
 * `$filter` of `GET /auditLogs/signIns` (https://learn.microsoft.com/graph/api/signin-list; the properties that support
 * $filter are marked on https://learn.microsoft.com/graph/api/resources/signin): comparisons on createdDateTime
 * (eq, ge, gt, le, lt), conditionalAccessStatus, status/errorCode and the user and app properties (eq, ne), combined with
 * and, or and parentheses. Anything else is refused with a 400, as Graph refuses a filter it does not support.
 */
import type { SimSignIn } from "./sim-sign-in";

export class FilterError extends Error {}

type Test = (s: SimSignIn, ms: number) => boolean;
type Token = { kind: "lparen" | "rparen" } | { kind: "word"; text: string } | { kind: "string"; text: string };

const STRING_PROPERTIES: Record<string, (s: SimSignIn) => string | null> = {
  conditionalAccessStatus: (s) => s.conditionalAccessStatus,
  userPrincipalName: (s) => s.userPrincipalName,
  userId: (s) => s.userId,
  userDisplayName: (s) => s.userDisplayName,
  appId: (s) => s.appId,
  appDisplayName: (s) => s.appDisplayName,
  clientAppUsed: (s) => s.clientAppUsed,
  correlationId: (s) => s.correlationId,
  ipAddress: (s) => s.ipAddress,
};

function tokenize(raw: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(") {
      tokens.push({ kind: "lparen" });
      i++;
    } else if (c === ")") {
      tokens.push({ kind: "rparen" });
      i++;
    } else if (c === "'") {
      let text = "";
      i++;
      for (;;) {
        if (i >= raw.length) throw new FilterError("Unterminated string literal.");
        if (raw[i] === "'" && raw[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (raw[i] === "'") {
          i++;
          break;
        } else text += raw[i++];
      }
      tokens.push({ kind: "string", text });
    } else {
      const m = /^[^\s()']+/.exec(raw.slice(i))!;
      tokens.push({ kind: "word", text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

/** Compiles a signIns `$filter`; throws FilterError with Graph's kind of message for what it does not support. */
export function compileSignInFilter(raw: string): Test {
  const tokens = tokenize(raw);
  let pos = 0;
  const peekWord = (word: string) => {
    const t = tokens[pos];
    return t?.kind === "word" && t.text.toLowerCase() === word;
  };
  const expr = (): Test => {
    const terms = [term()];
    while (peekWord("or")) {
      pos++;
      terms.push(term());
    }
    return terms.length === 1 ? terms[0]! : (s, ms) => terms.some((t) => t(s, ms));
  };
  const term = (): Test => {
    const factors = [factor()];
    while (peekWord("and")) {
      pos++;
      factors.push(factor());
    }
    return factors.length === 1 ? factors[0]! : (s, ms) => factors.every((f) => f(s, ms));
  };
  const factor = (): Test => {
    const t = tokens[pos];
    if (!t) throw new FilterError("Invalid filter clause: the expression ends too early.");
    if (t.kind === "lparen") {
      pos++;
      const inner = expr();
      if (tokens[pos]?.kind !== "rparen") throw new FilterError("Invalid filter clause: ')' expected.");
      pos++;
      return inner;
    }
    if (t.kind !== "word") throw new FilterError("Invalid filter clause: a property name expected.");
    return comparison();
  };
  const comparison = (): Test => {
    const property = (tokens[pos++] as { text: string }).text;
    const opToken = tokens[pos++];
    const valueToken = tokens[pos++];
    if (opToken?.kind !== "word" || !valueToken) throw new FilterError(`Invalid filter clause near '${property}'.`);
    const op = opToken.text.toLowerCase();
    if (property === "createdDateTime") {
      if (valueToken.kind !== "word" || !["eq", "ge", "gt", "le", "lt"].includes(op)) {
        throw new FilterError(`Invalid filter clause: createdDateTime supports eq, ge, gt, le and lt with a DateTimeOffset literal.`);
      }
      const at = Date.parse(valueToken.text);
      if (Number.isNaN(at) || !/^\d{4}-\d\d-\d\dT/.test(valueToken.text))
        throw new FilterError(`The DateTimeOffset literal '${valueToken.text}' is not valid.`);
      switch (op) {
        case "eq":
          return (_s, ms) => ms === at;
        case "ge":
          return (_s, ms) => ms >= at;
        case "gt":
          return (_s, ms) => ms > at;
        case "le":
          return (_s, ms) => ms <= at;
        default:
          return (_s, ms) => ms < at;
      }
    }
    if (property === "status/errorCode") {
      const n = valueToken.kind === "word" ? Number(valueToken.text) : NaN;
      if (!Number.isInteger(n) || (op !== "eq" && op !== "ne"))
        throw new FilterError("Invalid filter clause: status/errorCode supports eq and ne with an integer.");
      return op === "eq" ? (s) => s.status.errorCode === n : (s) => s.status.errorCode !== n;
    }
    const read = STRING_PROPERTIES[property];
    if (!read) throw new FilterError(`Invalid filter clause: the property '${property}' does not support filtering.`);
    if (valueToken.kind !== "string" || (op !== "eq" && op !== "ne"))
      throw new FilterError(`Invalid filter clause: ${property} supports eq and ne with a string literal.`);
    const value = valueToken.text.toLowerCase();
    return op === "eq" ? (s) => (read(s) ?? "").toLowerCase() === value : (s) => (read(s) ?? "").toLowerCase() !== value;
  };
  const test = expr();
  if (pos !== tokens.length) throw new FilterError("Invalid filter clause: unexpected text after the expression.");
  return test;
}
