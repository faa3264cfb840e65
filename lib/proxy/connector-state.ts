/**
 * The connectors' state as Graph gives it (beta: onPremisesPublishingProfiles/applicationProxy), and the rules on it:
 * a connector group that serves apps with no active connector, connectors too old for WebSockets or behind on updates.
 * Pure: the Graph reads are in load-connector-state.ts. Sources: docs/domain.md#application-proxy-diagnostics.
 */
import { z } from "zod";
import { compareSeverity } from "@/lib/rules/severity";
import type { Finding } from "@/lib/rules/types";

export const GraphConnectorGroupSchema = z
  .object({
    id: z.string(),
    name: z.string().nullish(),
    isDefault: z.boolean().nullish(),
    region: z.string().nullish(),
    connectorGroupType: z.string().nullish(),
  })
  .loose();
export const GraphConnectorSchema = z
  .object({ id: z.string(), machineName: z.string().nullish(), externalIp: z.string().nullish(), status: z.string().nullish(), version: z.string().nullish() })
  .loose();
export const GraphOnPremisesPublishingSchema = z
  .object({
    externalUrl: z.string().nullish(),
    internalUrl: z.string().nullish(),
    applicationServerTimeout: z.string().nullish(),
    externalAuthenticationType: z.string().nullish(),
    isTranslateHostHeaderEnabled: z.boolean().nullish(),
    isTranslateLinksInBodyEnabled: z.boolean().nullish(),
  })
  .loose();
export const GraphProxyApplicationSchema = z
  .object({ id: z.string(), appId: z.string().nullish(), displayName: z.string().nullish(), onPremisesPublishing: GraphOnPremisesPublishingSchema.nullish() })
  .loose();

export interface ProxyConnector {
  id: string;
  machineName: string;
  externalIp: string | null;
  status: string;
  version: string | null;
}

export interface ProxyApplication {
  id: string;
  displayName: string;
  externalUrl: string | null;
  internalUrl: string | null;
  backendTimeout: string | null;
}

export interface ProxyConnectorGroup {
  id: string;
  name: string;
  isDefault: boolean;
  region: string | null;
  connectors: ProxyConnector[];
  applications: ProxyApplication[];
}

export type ConnectorState =
  { ok: true; groups: ProxyConnectorGroup[]; truncated: boolean } | { ok: false; reason: "no-permission" | "not-configured" | "failed"; note: string };

/** WebSockets need every connector of the app's group at this version or later, and older versions are unsupported. */
export const WEBSOCKET_MIN_VERSION = "1.5.612.0";
/**
 * Connectors older than this one (April 2024, the "private network connector" rename, .NET 4.7.2) are behind: auto
 * update is off or the updater service is not running.
 */
export const OUTDATED_BELOW_VERSION = "1.5.3829.0";

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const SOURCE = "Microsoft Graph · applicationProxy";

export function connectorStateFindings(groups: readonly ProxyConnectorGroup[]): Finding[] {
  const findings: Finding[] = [];
  for (const g of groups) {
    const active = g.connectors.filter((c) => c.status.toLowerCase() === "active");
    if (active.length === 0 && (g.applications.length > 0 || g.isDefault)) {
      findings.push({
        rule: "proxy-group-no-active-connector",
        severity: g.applications.length > 0 ? "high" : "medium",
        title: `Connector group "${g.name}" has no active connector${g.applications.length ? `: ${g.applications.length} ${g.applications.length === 1 ? "app times" : "apps time"} out (504)` : ""}`,
        explanation:
          "The App Proxy service sends an app's requests only to the active connectors of its connector group. With none, every request ends in 504 GatewayTimeout (\"This corporate app can't be accessed right now\").",
        evidence: [
          {
            source: SOURCE,
            field: `${g.name} · connectors`,
            value: g.connectors.length ? g.connectors.map((c) => `${c.machineName} (${c.status})`).join(", ") : "none",
          },
          ...g.applications
            .slice(0, 5)
            .map((a) => ({ source: SOURCE, field: `${g.name} · application`, value: `${a.displayName} (${a.externalUrl ?? "no external URL"})` })),
        ],
        remediation: [
          "On each of the group's connector servers, start the Microsoft Entra private network connector service and check outbound 80 and 443 to the service.",
          "Or install a connector in this group (or move an active one into it), or assign the apps to a group with active connectors.",
        ],
      });
    }
    for (const c of g.connectors) {
      if (!c.version) continue;
      if (compareVersions(c.version, WEBSOCKET_MIN_VERSION) <= 0) {
        findings.push({
          rule: "proxy-connector-unsupported-version",
          severity: "high",
          title: `${c.machineName} runs connector ${c.version}, which is unsupported and cannot carry WebSockets`,
          explanation: `Microsoft asks connectors at ${WEBSOCKET_MIN_VERSION} or earlier to update immediately, and WebSocket apps need every connector of their group above that version.`,
          evidence: [{ source: SOURCE, field: `${g.name} · ${c.machineName} · version`, value: c.version, expected: `later than ${WEBSOCKET_MIN_VERSION}` }],
          remediation: ["Install the latest connector from the Entra admin center (Private network connectors > Download connector service) on this server."],
        });
      } else if (compareVersions(c.version, OUTDATED_BELOW_VERSION) < 0) {
        findings.push({
          rule: "proxy-connector-outdated",
          severity: "low",
          title: `${c.machineName} runs an outdated connector (${c.version})`,
          explanation:
            "Connectors update themselves while the updater service runs; one this far behind has no updater or auto update is off, and misses fixes (WebSocket and memory fixes among them).",
          evidence: [{ source: SOURCE, field: `${g.name} · ${c.machineName} · version`, value: c.version, expected: `${OUTDATED_BELOW_VERSION} or later` }],
          remediation: [
            "Check that the Microsoft Entra private network connector updater service runs on this server; if it is missing, reinstall the connector from the Entra admin center.",
          ],
        });
      }
    }
  }
  return findings.sort((a, b) => compareSeverity(a.severity, b.severity));
}
