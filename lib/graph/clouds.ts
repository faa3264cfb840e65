import { config } from "@/lib/config";

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
  // Own keys only: "toString" or "__proto__" in a stored row is an unknown cloud, not Object.prototype's member.
  if (!Object.hasOwn(CLOUDS, cloud)) throw new Error(`Unknown cloud "${cloud}"`);
  const known = CLOUDS[cloud as keyof typeof CLOUDS];
  return { authorityHost: known.authorityHost, graphBaseUrl: known.graphBaseUrl };
}

/** The hosts the national clouds sign in and read Graph on: a custom cloud may always use these. */
export const NATIONAL_CLOUD_HOSTS: ReadonlySet<string> = new Set(Object.values(CLOUDS).flatMap((c) => [c.authorityHost, new URL(c.graphBaseUrl).host]));

export type CloudHostsCheck = { ok: true } | { ok: false; field: "authorityHost" | "graphBaseUrl"; host: string; message: string };

/** host[:port] in lower case, without HTTPS's default port (URL.host drops it too). */
const normalizeHost = (host: string) => host.trim().toLowerCase().replace(/:443$/, "");

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  if (NATIONAL_CLOUD_HOSTS.has(host)) return true;
  const name = host.replace(/:\d+$/, "");
  return allowed.map(normalizeHost).some((entry) => entry === host || (!entry.includes(":") && entry === name));
}

/**
 * Whether the server may connect to a cloud's login and Graph hosts. An admin's "custom" cloud would otherwise
 * make the server send the tenant's client secret or signed assertion to any address it can reach, loopback and
 * internal services included (server-side request forgery,
 * https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html): only the
 * national clouds' hosts and those the operator listed in JOINSCOPE_ALLOWED_CLOUD_HOSTS (`host` for any port,
 * `host:port` for one) pass. Checked where the settings are saved and again before every sign-in, for rows saved
 * before the list existed or since it changed.
 */
export function checkCloudHosts(endpoints: CloudEndpoints, allowed: readonly string[] = config.JOINSCOPE_ALLOWED_CLOUD_HOSTS): CloudHostsCheck {
  const authorityHost = normalizeHost(endpoints.authorityHost);
  if (!hostAllowed(authorityHost, allowed)) {
    return {
      ok: false,
      field: "authorityHost",
      host: authorityHost,
      message: `The authority host ${authorityHost} is not allowed: a custom cloud may use a national cloud's hosts, or a host the server's JOINSCOPE_ALLOWED_CLOUD_HOSTS setting lists`,
    };
  }
  let graphHost: string;
  try {
    graphHost = normalizeHost(new URL(endpoints.graphBaseUrl).host);
  } catch {
    return { ok: false, field: "graphBaseUrl", host: endpoints.graphBaseUrl, message: `The Graph base URL ${endpoints.graphBaseUrl} is not a URL` };
  }
  if (!hostAllowed(graphHost, allowed)) {
    return {
      ok: false,
      field: "graphBaseUrl",
      host: graphHost,
      message: `The Graph base URL's host ${graphHost} is not allowed: a custom cloud may use a national cloud's hosts, or a host the server's JOINSCOPE_ALLOWED_CLOUD_HOSTS setting lists`,
    };
  }
  return { ok: true };
}
