import { NextResponse, type NextRequest } from "next/server";
import { config as joinscopeConfig } from "@/lib/config";
import { servedOverHttps, transportSecurityHeaders } from "@/lib/http/public-origin";
import { createNonce, pageContentSecurityPolicy } from "@/lib/http/security-headers";

// Kept literal (not imported) so the proxy bundle stays free of server-only modules.
const SESSION_COOKIE = "joinscope_session";
const REQUESTED_PATH_HEADER = "x-joinscope-path";

/**
 * Every page request: a Content-Security-Policy with a fresh nonce (and HSTS when served over HTTPS), then a cheap
 * first gate for dashboard pages: no session cookie → straight to /login. The real check (session exists and is
 * unexpired) is requireAdmin() in the dashboard layout and in every server action.
 *
 * The nonce follows Next.js's documented pattern (https://nextjs.org/docs/app/guides/content-security-policy): the
 * policy goes on the request too, where Next.js finds the nonce while rendering and puts it on its own scripts.
 * Every page is rendered per request (the root layout reads the theme cookie), which that pattern requires.
 * API routes, the agent script and static files are excluded by the matcher: next.config.ts gives them a policy
 * that allows nothing, and agents authenticate with bearer tokens.
 */
export function proxy(request: NextRequest) {
  const csp = pageContentSecurityPolicy(createNonce(), {
    https: servedOverHttps(request.headers),
    development: joinscopeConfig.NODE_ENV === "development",
  });
  const { pathname, search } = request.nextUrl;
  let response: NextResponse;
  // /auth/* is the Microsoft sign-in's start and redirect URI: reached before there is a session.
  if (pathname !== "/login" && !pathname.startsWith("/auth/") && !request.cookies.get(SESSION_COOKIE)?.value) {
    const url = request.nextUrl.clone();
    url.pathname = "/login";
    url.search = pathname === "/" ? "" : `?next=${encodeURIComponent(pathname + search)}`;
    response = NextResponse.redirect(url);
  } else {
    const forwarded = new Headers(request.headers);
    forwarded.set(REQUESTED_PATH_HEADER, pathname + search);
    forwarded.set("Content-Security-Policy", csp);
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(transportSecurityHeaders(request.headers))) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|icon.svg|favicon.ico|agent/).*)"],
};
