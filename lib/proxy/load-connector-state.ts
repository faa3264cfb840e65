import "server-only";
/**
 * Reads a tenant's Application Proxy connector groups, their connectors and apps from Graph beta
 * (https://learn.microsoft.com/graph/api/resources/connectorgroup?view=graph-rest-beta): the groups, each group's
 * `members` and `applications`, and each app's onPremisesPublishing by `$select`. Bounded (MAX_GROUPS, MAX_APPS);
 * a 403 is a plain-words note, never an error.
 */
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { createGraphClient, type GraphClient, type GraphFailure } from "@/lib/graph/graph-client";
import { loadTenantApp } from "@/lib/sync/load-tenant-app";
import { type ConnectorState, GraphConnectorGroupSchema, GraphConnectorSchema, GraphProxyApplicationSchema, type ProxyConnectorGroup } from "./connector-state";

const MAX_GROUPS = 100;
const MAX_APPS = 300;
const MAX_PAGES = 20;
const Page = <T extends z.ZodType>(item: T) => z.object({ value: z.array(item), "@odata.nextLink": z.string().optional() }).loose();

async function list<T extends z.ZodType>(
  graph: GraphClient,
  path: string,
  item: T,
  limit: number,
): Promise<{ ok: true; items: z.infer<T>[] } | { ok: false; error: GraphFailure }> {
  const items: z.infer<T>[] = [];
  let next: string | undefined = path;
  for (let page = 0; next && page < MAX_PAGES && items.length < limit; page++) {
    const r: { ok: true; data: { value: unknown[]; "@odata.nextLink"?: string } } | { ok: false; error: GraphFailure } = await graph.get(next, Page(item), {
      version: "beta",
    });
    if (!r.ok) return r;
    items.push(...(r.data.value as z.infer<T>[]));
    next = r.data["@odata.nextLink"];
  }
  return { ok: true, items: items.slice(0, limit) };
}

export const NO_PERMISSION_NOTE =
  "JoinScope may not read this tenant's Application Proxy connectors: Microsoft Graph answered 403. Graph serves connector groups, connectors and published apps under /beta only, and its pages list the Directory.ReadWrite.All permission; to show them here, grant the app registration Directory.Read.All (application permission, with admin consent) and reload. Everything else in JoinScope works without it, and the files above are diagnosed all the same.";

function describe(error: GraphFailure): ConnectorState {
  if (error.kind === "forbidden") return { ok: false, reason: "no-permission", note: NO_PERMISSION_NOTE };
  return {
    ok: false,
    reason: "failed",
    note: `Could not read the connectors from Microsoft Graph: ${"code" in error ? `${error.code}: ` : ""}${error.message}`,
  };
}

export async function loadConnectorState(db: Db, tenantRef: string, graphOverride?: GraphClient): Promise<ConnectorState> {
  let graph = graphOverride;
  if (!graph) {
    const loaded = await loadTenantApp(db, tenantRef);
    if (!loaded.ok)
      return {
        ok: false,
        reason: "not-configured",
        note: `The tenant's app registration cannot be used (${loaded.error.message}); fix it under Settings to see its connectors.`,
      };
    graph = createGraphClient(loaded.app, { maxRetries: 1 });
  }
  const groups = await list(graph, "/onPremisesPublishingProfiles/applicationProxy/connectorGroups", GraphConnectorGroupSchema, MAX_GROUPS);
  if (!groups.ok) return describe(groups.error);
  const out: ProxyConnectorGroup[] = [];
  let apps = 0;
  let truncated = groups.items.length >= MAX_GROUPS;
  for (const g of groups.items) {
    const base = `/onPremisesPublishingProfiles/applicationProxy/connectorGroups/${encodeURIComponent(g.id)}`;
    const members = await list(graph, `${base}/members`, GraphConnectorSchema, 200);
    if (!members.ok) return describe(members.error);
    const assigned = await list(graph, `${base}/applications`, GraphProxyApplicationSchema, MAX_APPS);
    if (!assigned.ok) return describe(assigned.error);
    const applications = [];
    for (const a of assigned.items) {
      if (apps++ >= MAX_APPS) {
        truncated = true;
        break;
      }
      const app = await graph.get(`/applications/${encodeURIComponent(a.id)}?$select=id,displayName,onPremisesPublishing`, GraphProxyApplicationSchema, {
        version: "beta",
      });
      if (!app.ok) return describe(app.error);
      const p = app.data.onPremisesPublishing;
      applications.push({
        id: a.id,
        displayName: app.data.displayName ?? a.displayName ?? a.id,
        externalUrl: p?.externalUrl ?? null,
        internalUrl: p?.internalUrl ?? null,
        backendTimeout: p?.applicationServerTimeout ?? null,
      });
    }
    out.push({
      id: g.id,
      name: g.name ?? g.id,
      isDefault: g.isDefault ?? false,
      region: g.region ?? null,
      connectors: members.items.map((c) => ({
        id: c.id,
        machineName: c.machineName ?? c.id,
        externalIp: c.externalIp ?? null,
        status: c.status ?? "unknown",
        version: c.version ?? null,
      })),
      applications,
    });
  }
  return { ok: true, groups: out, truncated };
}
