/**
 * `GET /v1.0/informationProtection/bitlocker/recoveryKeys` (https://learn.microsoft.com/graph/api/bitlocker-list-recoverykeys):
 * metadata only; `$select=key` needs BitlockerKey.Read.All.
 */
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import { authenticate } from "./authenticate";
import type { GraphServices } from "./graph-services";
import { READ_BITLOCKER_BASIC } from "./permissions";
import { refuseQueryOption, requireUserAgent } from "./request-checks";
import { simpleCollection } from "./simple-collection";

export function listBitlockerRecoveryKeys(graph: GraphServices, ctx: RequestContext): string {
  const { now } = graph;
  const q = ctx.url.searchParams;
  requireUserAgent(ctx, now);
  // "This method does not support $top" (bitlocker-list-recoverykeys); it documents $filter by deviceId only.
  refuseQueryOption(ctx, "$top", "Top", now);
  refuseQueryOption(ctx, "$orderby", "OrderBy", now);
  refuseQueryOption(ctx, "$search", "Search", now);
  const wantsKey = (q.get("$select") ?? "")
    .split(",")
    .map((s) => s.trim())
    .includes("key");
  const { tenant, appId } = authenticate(graph, ctx, wantsKey ? ["BitlockerKey.Read.All"] : READ_BITLOCKER_BASIC);
  graph.budget.charge(ctx, tenant.config.tenantId, appId);
  let items = tenant.store.bitlockerKeys;
  const filter = q.get("$filter");
  if (filter) {
    const m = /^deviceId\s+eq\s+'([^']+)'$/i.exec(filter.trim());
    if (!m) throw graphError(ctx, 400, "BadRequest", "Only $filter=deviceId eq '{deviceId}' is supported on recoveryKeys.", {}, now());
    const id = m[1]!.toLowerCase();
    items = items.filter((k) => k.deviceId.toLowerCase() === id);
  }
  // The key itself is never served: JoinScope only needs to know a backup exists.
  return simpleCollection(graph, ctx, items, `${ctx.origin}/v1.0/$metadata#informationProtection/bitlocker/recoveryKeys`, ctx.url.pathname);
}
