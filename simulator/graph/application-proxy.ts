/**
 * Application Proxy's Graph endpoints, beta only as in Graph (https://learn.microsoft.com/graph/api/resources/connectorgroup,
 * .../connector, .../onpremisespublishing?view=graph-rest-beta): the connector groups, each group's connectors
 * (`members`) and applications, all connectors, and an application's `onPremisesPublishing` by `$select`. v1.0 has none
 * of them and answers 400 "Resource not found for the segment" as Graph does. Graph's pages list the delegated
 * Directory.ReadWrite.All; the simulator also accepts app-only tokens with Directory.Read.All or
 * Directory.ReadWrite.All, as tenants that read connectors app-only do (docs/domain.md#application-proxy-diagnostics).
 */
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import { authenticate } from "./authenticate";
import type { GraphServices } from "./graph-services";
import { simpleCollection } from "./simple-collection";
import type { SimConnectorGroup } from "../application-proxy-types";

export type { SimConnector, SimConnectorGroup, SimProxyApplication } from "../application-proxy-types";

export const READ_APPLICATION_PROXY = ["Directory.Read.All", "Directory.ReadWrite.All"];

const PREFIX = "/onPremisesPublishingProfiles/applicationProxy";

/** The route for `rest` (the path after /beta), or null when it is not an Application Proxy path. */
export function routeApplicationProxy(graph: GraphServices, ctx: RequestContext, version: "v1.0" | "beta", rest: string): string | null {
  const isProxy = rest.startsWith("/onPremisesPublishingProfiles");
  const isApp = /^\/applications\/[0-9a-f-]{36}$/i.test(rest);
  if (!isProxy && !isApp) return null;
  if (version !== "beta" && isProxy)
    throw graphError(ctx, 400, "BadRequest", "Resource not found for the segment 'onPremisesPublishingProfiles'.", {}, graph.now());
  const { tenant } = authenticate(graph, ctx, READ_APPLICATION_PROXY);
  const groups = tenant.config.applicationProxy ?? [];
  const base = `${ctx.origin}/beta/$metadata#`;
  if (isApp) {
    const id = rest.split("/").pop()!.toLowerCase();
    const app = groups.flatMap((g) => g.applications).find((a) => a.id === id);
    if (!app)
      throw graphError(
        ctx,
        404,
        "Request_ResourceNotFound",
        `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
        {},
        graph.now(),
      );
    const select = (ctx.url.searchParams.get("$select") ?? "").split(",").map((s) => s.trim());
    // Graph returns onPremisesPublishing only when $select names it, and only under /beta.
    const body: Record<string, unknown> = {
      "@odata.context": `${base}applications(id,displayName,appId${version === "beta" && select.includes("onPremisesPublishing") ? ",onPremisesPublishing" : ""})/$entity`,
      id: app.id,
      appId: app.appId,
      displayName: app.displayName,
    };
    if (version === "beta" && select.includes("onPremisesPublishing")) body.onPremisesPublishing = app.onPremisesPublishing;
    return JSON.stringify(body);
  }
  const path = `${ctx.origin}/beta${rest}`;
  if (rest === `${PREFIX}/connectorGroups`) {
    const items = groups.map(({ id, name, connectorGroupType, isDefault, region }) => ({ id, name, connectorGroupType, isDefault, region }));
    return simpleCollection(graph, ctx, items, `${base}onPremisesPublishingProfiles('applicationProxy')/connectorGroups`, path.replace(ctx.origin, ""));
  }
  if (rest === `${PREFIX}/connectors`) {
    return simpleCollection(
      graph,
      ctx,
      groups.flatMap((g) => g.connectors),
      `${base}onPremisesPublishingProfiles('applicationProxy')/connectors`,
      path.replace(ctx.origin, ""),
    );
  }
  const m = /^\/onPremisesPublishingProfiles\/applicationProxy\/connectorGroups\/([0-9a-f-]{36})\/(members|applications)$/i.exec(rest);
  if (m) {
    const group = groups.find((g) => g.id === m[1]!.toLowerCase());
    if (!group) throw graphError(ctx, 404, "Request_ResourceNotFound", `Resource '${m[1]}' does not exist.`, {}, graph.now());
    const items: readonly object[] =
      m[2] === "members" ? group.connectors : group.applications.map(({ id, appId, displayName }) => ({ id, appId, displayName }));
    return simpleCollection(graph, ctx, items, `${base}${m[2] === "members" ? "connectors" : "applications"}`, path.replace(ctx.origin, ""));
  }
  const segment = rest.split("/").filter(Boolean).pop() ?? "";
  throw graphError(ctx, 400, "BadRequest", `Resource not found for the segment '${segment}'.`, {}, graph.now());
}

/** A tenant's sample: the Ops Board of the WebSocket case (issue 21) in a healthy group, and a group whose only connector is down. */
export function sampleApplicationProxy(label: string): SimConnectorGroup[] {
  return [
    {
      id: "6e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
      name: "Default",
      connectorGroupType: "applicationProxy",
      isDefault: true,
      region: "eur",
      connectors: [
        {
          id: "3f6b2c1e-8d4a-4e0f-9b7c-5a1d2e3f4a5b",
          machineName: `APPPROXY01.corp.${label}.com`,
          externalIp: "203.0.113.10",
          status: "active",
          version: "1.5.4522.0",
        },
        {
          id: "8a2d4f6b-1c3e-4a5b-9d7f-2e4a6c8e0b1d",
          machineName: `APPPROXY02.corp.${label}.com`,
          externalIp: "203.0.113.11",
          status: "active",
          version: "1.5.1975.0",
        },
      ],
      applications: [
        {
          id: "5b8e2d4c-1a3f-4e6d-9c7b-8a0f1e2d3c4b",
          appId: "d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a",
          displayName: "Ops Board",
          onPremisesPublishing: {
            externalUrl: `https://opsboard-${label}.msappproxy.net/`,
            internalUrl: "https://app01:8443/",
            applicationServerTimeout: "default",
            externalAuthenticationType: "aadPreAuthentication",
            isTranslateHostHeaderEnabled: true,
            isTranslateLinksInBodyEnabled: false,
          },
        },
      ],
    },
    {
      id: "9c8b7a6f-5e4d-4c3b-8a2f-1e0d9c8b7a6f",
      name: "DMZ",
      connectorGroupType: "applicationProxy",
      isDefault: false,
      region: "eur",
      connectors: [
        {
          id: "4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a",
          machineName: `DMZPROXY01.corp.${label}.com`,
          externalIp: "198.51.100.20",
          status: "inactive",
          version: "1.5.3437.0",
        },
      ],
      applications: [
        {
          id: "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d",
          appId: "e2f3a4b5-c6d7-4e8f-9a0b-1c2d3e4f5a6b",
          displayName: "Expenses",
          onPremisesPublishing: {
            externalUrl: `https://expenses-${label}.msappproxy.net/`,
            internalUrl: `https://expenses.corp.${label}.com/`,
            applicationServerTimeout: "long",
            externalAuthenticationType: "aadPreAuthentication",
            isTranslateHostHeaderEnabled: true,
            isTranslateLinksInBodyEnabled: true,
          },
        },
      ],
    },
  ];
}
