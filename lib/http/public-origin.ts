import { config, type Config } from "@/lib/config";
import { STRICT_TRANSPORT_SECURITY } from "./security-headers";

/**
 * How admins and agents reach JoinScope: the scheme and host for Secure cookies, HSTS and copy-paste snippets.
 * Decided from configuration, never from a client's claim: X-Forwarded-Proto and X-Forwarded-Host count only
 * behind a reverse proxy the operator declared (JOINSCOPE_TRUST_PROXY), and scripts/serve.mjs removes them from
 * requests otherwise (https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#secure-attribute).
 */
export type OriginConfig = Pick<Config, "JOINSCOPE_PUBLIC_URL" | "JOINSCOPE_TRUST_PROXY" | "JOINSCOPE_SECURE_COOKIES">;
type HeaderSource = Pick<Headers, "get">;

/** The last entry of a comma-separated forwarded header: the one the nearest (trusted) proxy wrote. */
function forwarded(headers: HeaderSource, name: string): string | undefined {
  const value = headers.get(name)?.split(",").at(-1)?.trim().toLowerCase();
  return value || undefined;
}

/** True when the browser reached us over HTTPS: JOINSCOPE_PUBLIC_URL's scheme, else a trusted proxy's X-Forwarded-Proto. */
export function servedOverHttps(headers: HeaderSource, cfg: OriginConfig = config): boolean {
  if (cfg.JOINSCOPE_PUBLIC_URL) return new URL(cfg.JOINSCOPE_PUBLIC_URL).protocol === "https:";
  if (cfg.JOINSCOPE_TRUST_PROXY) return forwarded(headers, "x-forwarded-proto") === "https";
  // scripts/serve.mjs speaks plain HTTP: without a proxy in front, nothing is HTTPS.
  return false;
}

/** The Secure flag for our cookies: JOINSCOPE_SECURE_COOKIES when set, else whether we are served over HTTPS. */
export function cookieSecureFlag(headers: HeaderSource, cfg: OriginConfig = config): boolean {
  return cfg.JOINSCOPE_SECURE_COOKIES ?? servedOverHttps(headers, cfg);
}

/** HSTS for a response, when the dashboard is served over HTTPS; nothing otherwise. */
export function transportSecurityHeaders(headers: HeaderSource, cfg: OriginConfig = config): Record<string, string> {
  return servedOverHttps(headers, cfg) ? { "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY } : {};
}

/**
 * The origin for copy-paste snippets (the agents' upload URL): JOINSCOPE_PUBLIC_URL when set, else a trusted
 * proxy's X-Forwarded-Proto/-Host, else the Host header the admin's browser sent, over plain HTTP.
 */
export function publicOrigin(headers: HeaderSource, cfg: OriginConfig = config): string {
  if (cfg.JOINSCOPE_PUBLIC_URL) return new URL(cfg.JOINSCOPE_PUBLIC_URL).origin;
  const host = (cfg.JOINSCOPE_TRUST_PROXY ? forwarded(headers, "x-forwarded-host") : undefined) ?? headers.get("host") ?? "localhost:3000";
  return `${servedOverHttps(headers, cfg) ? "https" : "http"}://${host}`;
}
