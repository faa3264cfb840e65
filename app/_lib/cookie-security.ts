import "server-only";
import { headers } from "next/headers";
import { config } from "@/lib/config";

/**
 * Secure cookies when the admin reached us over HTTPS (directly or through a proxy that says so), or when
 * JOINSCOPE_SECURE_COOKIES forces it either way. Plain-HTTP localhost keeps working for development.
 */
export async function shouldUseSecureCookies(): Promise<boolean> {
  if (config.JOINSCOPE_SECURE_COOKIES !== undefined) return config.JOINSCOPE_SECURE_COOKIES;
  const h = await headers();
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (proto) return proto === "https";
  return h.get("origin")?.startsWith("https://") ?? false;
}

/** The origin admins reach the dashboard on, for copy-paste snippets (agent upload URL). */
export async function requestOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get("x-forwarded-host")?.split(",")[0]?.trim() || h.get("host") || "localhost:3000";
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  return `${proto}://${host}`;
}
