/**
 * `GET /devices`: pages of a consistent snapshot (the store version of the first page), `$select`, `$top`, simple
 * `$filter`, and an opaque `$skiptoken` that expires (https://learn.microsoft.com/graph/api/device-list,
 * https://learn.microsoft.com/graph/paging).
 */
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import { authenticate } from "./authenticate";
import { serializeDevices } from "./device-json";
import type { GraphServices } from "./graph-services";
import { decodeToken, encodeToken } from "./opaque-token";
import { READ_DEVICES } from "./permissions";
import { compileDeviceFilter, parseSelect, parseTop } from "./query-options";

interface ListToken {
  k: "list";
  /** When the first page was served: page tokens expire (pageTokenLifetimeMs). */
  iat: number;
  t: string;
  v: number;
  o: number;
  n: number;
  s: string[] | null;
  f: string | null;
}

export function listDevices(graph: GraphServices, ctx: RequestContext, version: "v1.0" | "beta"): string {
  const { now } = graph;
  const { tenant, appId } = authenticate(graph, ctx, READ_DEVICES);
  graph.budget.charge(ctx, tenant.config.tenantId, appId);
  const q = ctx.url.searchParams;
  const skip = q.get("$skiptoken");
  let tok: ListToken;
  if (skip) {
    const decoded = decodeToken<ListToken>(skip);
    if (!decoded || decoded.k !== "list" || decoded.t !== tenant.store.epoch) {
      throw graphError(ctx, 400, "Request_BadRequest", "Invalid value specified for query parameter '$skiptoken'.", {}, now());
    }
    if (now() - decoded.iat > graph.pageTokenLifetimeMs) {
      // A nextLink is to be followed, not kept (https://learn.microsoft.com/graph/paging): directory page tokens are
      // short-lived, and Graph answers an expired one with this code.
      throw graphError(
        ctx,
        400,
        "Directory_ExpiredPageToken",
        "The specified page token value has expired and can no longer be included in your request.",
        {},
        now(),
      );
    }
    tok = decoded;
  } else {
    tok = {
      k: "list",
      iat: now(),
      t: tenant.store.epoch,
      v: tenant.store.version,
      o: 0,
      n: parseTop(ctx, q.get("$top"), graph.pageSize, now),
      s: parseSelect(ctx, q.get("$select"), now),
      f: q.get("$filter"),
    };
  }
  const snapshot = tenant.store.snapshotAt(tok.v) ?? tenant.store.snapshot();
  let devices = snapshot.devices;
  if (tok.f) {
    const key = `${snapshot.version}|${tok.f}`;
    let filtered = tenant.filteredSnapshots.get(key);
    if (!filtered) {
      filtered = devices.filter(compileDeviceFilter(ctx, tok.f, now));
      tenant.filteredSnapshots.set(key, filtered);
      if (tenant.filteredSnapshots.size > 32) tenant.filteredSnapshots.delete(tenant.filteredSnapshots.keys().next().value as string);
    }
    devices = filtered;
  }
  const end = Math.min(tok.o + tok.n, devices.length);
  const cacheKey = `${tenant.store.epoch}|list|${snapshot.version}|${tok.f ?? ""}|${tok.s?.join(",") ?? "*"}|${tok.o}|${tok.n}`;
  let value = graph.pageCache.get(cacheKey);
  if (value === undefined) {
    value = serializeDevices(devices.slice(tok.o, end), tok.s);
    graph.pageCache.set(cacheKey, value);
  }
  const base = `${ctx.origin}/${version}`;
  const context = `${base}/$metadata#devices${tok.s ? `(${tok.s.join(",")})` : ""}`;
  let head = `{"@odata.context":${JSON.stringify(context)}`;
  if (end < devices.length) {
    const next = encodeToken({ ...tok, v: snapshot.version, o: end } satisfies ListToken);
    const params = new URLSearchParams();
    if (tok.s) params.set("$select", tok.s.join(","));
    if (tok.f) params.set("$filter", tok.f);
    params.set("$top", String(tok.n));
    params.set("$skiptoken", next);
    head += `,"@odata.nextLink":${JSON.stringify(`${base}/devices?${params.toString().replaceAll("%24", "$").replaceAll("%2C", ",")}`)}`;
  }
  return `${head},"value":${value}}`;
}
