/**
 * The OData query options the device routes take ($select, $top, $filter), refused with Graph's 400s when Graph
 * would refuse them (https://learn.microsoft.com/graph/query-parameters).
 */
import DEVICE_V1_PROPERTIES from "@/lib/graph/vendor/device-v1-properties.json";
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import type { GraphDevice } from "../types";

/** Graph's largest page ($top) on directory objects. */
export const MAX_PAGE = 999;

/**
 * The device properties Graph v1.0 documents (vendored with its source URL in lib/graph/vendor): `$select` of any
 * other answers 400, as Graph does for a property its v1.0 schema lacks.
 */
const DEVICE_PROPERTIES: ReadonlySet<string> = new Set(DEVICE_V1_PROPERTIES.properties);

/** The selected properties, `id` always among them; null when the caller selects nothing (every property). */
export function parseSelect(ctx: RequestContext, raw: string | null, now: () => number): string[] | null {
  if (raw === null || raw.trim() === "") return null;
  const fields = raw
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of fields) {
    if (!DEVICE_PROPERTIES.has(f)) {
      throw graphError(ctx, 400, "Request_BadRequest", `Could not find a property named '${f}' on type 'microsoft.graph.device'.`, {}, now());
    }
  }
  return fields.includes("id") ? fields : ["id", ...fields];
}

export function parseTop(ctx: RequestContext, raw: string | null, fallback: number, now: () => number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
    throw graphError(ctx, 400, "Request_BadRequest", `Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_PAGE} inclusive.`, {}, now());
  }
  return n;
}

/** Supports the filters JoinScope uses: `<prop> eq '<v>'` (and `and`), `startswith(displayName,'x')`, booleans. */
export function compileDeviceFilter(ctx: RequestContext, raw: string, now: () => number): (d: GraphDevice) => boolean {
  const clauses = raw.split(/\s+and\s+/i);
  const tests = clauses.map((clause) => {
    const c = clause.trim();
    let m = /^(\w+)\s+eq\s+'((?:[^']|'')*)'$/i.exec(c);
    if (m) {
      const prop = m[1]!;
      const value = m[2]!.replaceAll("''", "'").toLowerCase();
      if (!DEVICE_PROPERTIES.has(prop))
        throw graphError(ctx, 400, "Request_BadRequest", `Could not find a property named '${prop}' on type 'microsoft.graph.device'.`, {}, now());
      return (d: GraphDevice) => String(d[prop] ?? "").toLowerCase() === value;
    }
    m = /^(\w+)\s+eq\s+(true|false|null)$/i.exec(c);
    if (m) {
      const prop = m[1]!;
      const value = m[2]!.toLowerCase() === "null" ? null : m[2]!.toLowerCase() === "true";
      return (d: GraphDevice) => (d[prop] ?? null) === value;
    }
    m = /^startswith\((\w+)\s*,\s*'((?:[^']|'')*)'\)$/i.exec(c);
    if (m) {
      const prop = m[1]!;
      const value = m[2]!.replaceAll("''", "'").toLowerCase();
      return (d: GraphDevice) =>
        String(d[prop] ?? "")
          .toLowerCase()
          .startsWith(value);
    }
    throw graphError(
      ctx,
      400,
      "Request_UnsupportedQuery",
      `Unsupported or invalid query filter clause specified for property '${c}' of resource 'Device'.`,
      {},
      now(),
    );
  });
  return (d) => tests.every((t) => t(d));
}
