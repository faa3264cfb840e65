/** `GET /devices/{id}` and `GET /devices(deviceId='{deviceId}')` (https://learn.microsoft.com/graph/api/device-get). */
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import { authenticate } from "./authenticate";
import { projectDevice } from "./device-json";
import type { GraphServices } from "./graph-services";
import { READ_DEVICES } from "./permissions";
import { parseSelect } from "./query-options";

export function getDevice(graph: GraphServices, ctx: RequestContext, version: string, key: { id?: string; deviceId?: string }): string {
  const { now } = graph;
  const { tenant, appId } = authenticate(graph, ctx, READ_DEVICES);
  graph.budget.charge(ctx, tenant.config.tenantId, appId);
  const select = parseSelect(ctx, ctx.url.searchParams.get("$select"), now);
  const device = key.id ? tenant.store.getDevice(key.id) : tenant.store.findByDeviceId(key.deviceId ?? "");
  if (!device) {
    throw graphError(
      ctx,
      404,
      "Request_ResourceNotFound",
      `Resource '${key.id ?? key.deviceId}' does not exist or one of its queried reference-property objects are not present.`,
      {},
      now(),
    );
  }
  return JSON.stringify({ "@odata.context": `${ctx.origin}/${version}/$metadata#devices/$entity`, ...projectDevice(device, select) });
}
