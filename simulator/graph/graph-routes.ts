/** The Graph host's routes (`/v1.0/…` and `/beta/…`, read-only); null for any other path. */
import { graphError } from "../http/http-error";
import { ok, type RequestContext, type RouteResult } from "../http/request-context";
import { listBitlockerRecoveryKeys } from "./bitlocker-recovery-keys";
import { listDeletedDevices } from "./deleted-devices";
import { deltaDevices } from "./delta-devices";
import { listDeviceLocalCredentials } from "./device-local-credentials";
import { getDevice } from "./get-device";
import type { GraphServices } from "./graph-services";
import { listDevices } from "./list-devices";
import { listDirectoryAudits } from "./directory-audits";
import { listSignIns } from "./sign-ins";
import { routeApplicationProxy } from "./application-proxy";

export function routeGraph(graph: GraphServices, ctx: RequestContext, method: string, path: string): RouteResult | null {
  const { now } = graph;
  const m = /^\/(v1\.0|beta)(\/.*)?$/.exec(path);
  if (!m) return null;
  const version = m[1] as "v1.0" | "beta";
  const rest = m[2] ?? "";
  if (method !== "GET") throw graphError(ctx, 405, "Request_BadRequest", "The simulator serves read-only Graph endpoints.", {}, now());
  if (rest === "/devices") return ok(listDevices(graph, ctx, version));
  if (rest === "/devices/delta" || rest === "/devices/microsoft.graph.delta" || rest === "/devices/delta()") return ok(deltaDevices(graph, ctx, version));
  let d = /^\/devices\(deviceId='([^']+)'\)$/.exec(decodeURIComponent(rest));
  if (d) return ok(getDevice(graph, ctx, version, { deviceId: d[1]! }));
  d = /^\/devices\/([0-9a-fA-F-]{36})$/.exec(rest);
  if (d) return ok(getDevice(graph, ctx, version, { id: d[1]! }));
  if (rest === "/directory/deletedItems/microsoft.graph.device") {
    if (version !== "beta") {
      throw graphError(
        ctx,
        400,
        "Request_BadRequest",
        "Deleted devices (soft delete, preview) are listed only under /beta/directory/deletedItems/microsoft.graph.device.",
        {},
        now(),
      );
    }
    return ok(listDeletedDevices(graph, ctx));
  }
  const proxy = routeApplicationProxy(graph, ctx, version, rest);
  if (proxy !== null) return ok(proxy);
  if (rest === "/auditLogs/signIns") return ok(listSignIns(graph, ctx, version));
  if (rest === "/auditLogs/directoryAudits" || rest === "/auditLogs/directoryaudits") return ok(listDirectoryAudits(graph, ctx, version));
  if (rest === "/informationProtection/bitlocker/recoveryKeys") return ok(listBitlockerRecoveryKeys(graph, ctx));
  if (rest === "/directory/deviceLocalCredentials") return ok(listDeviceLocalCredentials(graph, ctx));
  const segment = rest.split("/").filter(Boolean).pop() ?? "";
  throw graphError(ctx, 400, "BadRequest", `Resource not found for the segment '${segment}'.`, {}, now());
}
