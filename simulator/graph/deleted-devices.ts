/**
 * `GET /beta/directory/deletedItems/microsoft.graph.device`: soft-deleted devices, a preview served under /beta
 * only (https://learn.microsoft.com/graph/api/directory-deleteditems-list).
 */
import type { RequestContext } from "../http/request-context";
import { authenticate } from "./authenticate";
import { projectDevice } from "./device-json";
import type { GraphServices } from "./graph-services";
import { READ_DEVICES } from "./permissions";
import { parseSelect } from "./query-options";
import { simpleCollection } from "./simple-collection";

export function listDeletedDevices(graph: GraphServices, ctx: RequestContext): string {
  const { tenant, appId } = authenticate(graph, ctx, READ_DEVICES);
  graph.budget.charge(ctx, tenant.config.tenantId, appId);
  const select = parseSelect(ctx, ctx.url.searchParams.get("$select"), graph.now);
  const items = tenant.store.listDeletedDevices().map((d) => projectDevice(d, select));
  return simpleCollection(graph, ctx, items, `${ctx.origin}/beta/$metadata#directory/deletedItems/microsoft.graph.device`, ctx.url.pathname);
}
