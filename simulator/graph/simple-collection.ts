import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import type { GraphServices } from "./graph-services";
import { decodeToken, encodeToken } from "./opaque-token";
import { parseTop } from "./query-options";

/** A plain list's page: `$top` items from the `$skiptoken`'s offset, a nextLink while more remain. */
export function simpleCollection<T>(graph: GraphServices, ctx: RequestContext, items: readonly T[], context: string, path: string): string {
  const q = ctx.url.searchParams;
  const skip = q.get("$skiptoken");
  const tok = skip ? decodeToken<{ o: number; n: number }>(skip) : null;
  if (skip && !tok) throw graphError(ctx, 400, "Request_BadRequest", "Invalid value specified for query parameter '$skiptoken'.", {}, graph.now());
  const n = tok?.n ?? parseTop(ctx, q.get("$top"), graph.pageSize, graph.now);
  const o = tok?.o ?? 0;
  const end = Math.min(o + n, items.length);
  const body: Record<string, unknown> = { "@odata.context": context };
  if (end < items.length) {
    const params = new URLSearchParams(q);
    params.set("$skiptoken", encodeToken({ o: end, n }));
    body["@odata.nextLink"] = `${ctx.origin}${path}?${params.toString()}`;
  }
  body.value = items.slice(o, end);
  return JSON.stringify(body);
}
