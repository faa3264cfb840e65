/**
 * National clouds: the login host and the Graph base URL differ (https://learn.microsoft.com/graph/deployments).
 * The token scope is always `<graph base>/.default`. "custom" is for the simulator or a test double.
 */
export const CLOUDS = {
  global: { label: "Global (and GCC)", authorityHost: "login.microsoftonline.com", graphBaseUrl: "https://graph.microsoft.com" },
  usgov: { label: "US Government L4 (GCC High)", authorityHost: "login.microsoftonline.us", graphBaseUrl: "https://graph.microsoft.us" },
  usgovdod: { label: "US Government L5 (DoD)", authorityHost: "login.microsoftonline.us", graphBaseUrl: "https://dod-graph.microsoft.us" },
  china: { label: "China (21Vianet)", authorityHost: "login.chinacloudapi.cn", graphBaseUrl: "https://microsoftgraph.chinacloudapi.cn" },
} as const;

export type CloudName = keyof typeof CLOUDS | "custom";
export const CLOUD_NAMES = ["global", "usgov", "usgovdod", "china", "custom"] as const;

export interface CloudEndpoints {
  /** host[:port], no scheme */
  authorityHost: string;
  /** https://host[:port], no trailing slash, no version */
  graphBaseUrl: string;
}

export function resolveCloud(cloud: string, overrides: { authorityHost?: string | null; graphBaseUrl?: string | null } = {}): CloudEndpoints {
  if (cloud === "custom") {
    if (!overrides.authorityHost || !overrides.graphBaseUrl) {
      throw new Error("A custom cloud needs both an authority host and a Graph base URL");
    }
    return { authorityHost: overrides.authorityHost, graphBaseUrl: overrides.graphBaseUrl.replace(/\/+$/, "") };
  }
  const known = CLOUDS[cloud as keyof typeof CLOUDS];
  if (!known) throw new Error(`Unknown cloud "${cloud}"`);
  return { authorityHost: known.authorityHost, graphBaseUrl: known.graphBaseUrl };
}
