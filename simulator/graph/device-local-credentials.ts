/**
 * `GET /v1.0/directory/deviceLocalCredentials`: Windows LAPS metadata
 * (https://learn.microsoft.com/graph/api/directory-list-devicelocalcredentials); `$select=credentials` needs
 * DeviceLocalCredential.Read.All.
 */
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import { authenticate } from "./authenticate";
import type { GraphServices } from "./graph-services";
import { READ_LAPS_BASIC } from "./permissions";
import { requireUserAgent } from "./request-checks";
import { simpleCollection } from "./simple-collection";

export function listDeviceLocalCredentials(graph: GraphServices, ctx: RequestContext): string {
  const { now } = graph;
  const q = ctx.url.searchParams;
  // $select, $filter, $search, $orderby, $top, $count and $skiptoken are documented (directory-list-devicelocalcredentials).
  requireUserAgent(ctx, now);
  const wantsPasswords = (q.get("$select") ?? "")
    .split(",")
    .map((s) => s.trim())
    .includes("credentials");
  const { tenant, appId } = authenticate(graph, ctx, wantsPasswords ? ["DeviceLocalCredential.Read.All"] : READ_LAPS_BASIC);
  graph.budget.charge(ctx, tenant.config.tenantId, appId);
  let items = tenant.store.lapsCredentials;
  const filter = q.get("$filter");
  if (filter) {
    const m = /^(deviceName|id)\s+eq\s+'([^']+)'$/i.exec(filter.trim());
    if (!m) throw graphError(ctx, 400, "BadRequest", "Only $filter=deviceName eq '{name}' is supported.", {}, now());
    const prop = m[1]!.toLowerCase() === "id" ? "id" : "deviceName";
    const value = m[2]!.toLowerCase();
    items = items.filter((c) => c[prop].toLowerCase() === value);
  }
  return simpleCollection(graph, ctx, items, `${ctx.origin}/v1.0/$metadata#directory/deviceLocalCredentials`, ctx.url.pathname);
}
