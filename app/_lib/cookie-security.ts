import "server-only";
import { headers } from "next/headers";
import { cookieSecureFlag, publicOrigin } from "@/lib/http/public-origin";

/**
 * The Secure flag for the cookies we set: from configuration (JOINSCOPE_SECURE_COOKIES, else JOINSCOPE_PUBLIC_URL's
 * scheme, else a trusted proxy's X-Forwarded-Proto), never from a header the client chose (lib/http/public-origin.ts).
 */
export async function shouldUseSecureCookies(): Promise<boolean> {
  return cookieSecureFlag(await headers());
}

/** The origin admins reach the dashboard on, for copy-paste snippets (agent upload URL). */
export async function requestOrigin(): Promise<string> {
  return publicOrigin(await headers());
}
