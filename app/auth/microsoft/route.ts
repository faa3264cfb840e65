import { NextResponse } from "next/server";
import { beginEntraSignIn, entraSettings, FLOW_COOKIE, FLOW_COOKIE_PATH } from "@/lib/auth/entra-sign-in";
import { apiHandler } from "@/lib/http/api-handler";
import { cookieSecureFlag, publicOrigin } from "@/lib/http/public-origin";

export const dynamic = "force-dynamic";

/**
 * GET /auth/microsoft[?next=/path] — "Sign in with Microsoft": remembers a fresh state, nonce and PKCE verifier in a
 * sealed cookie and sends the browser to Entra ID's authorize endpoint (lib/auth/entra-sign-in.ts). Without the app
 * registration configured it sends the browser back to the login page, which then offers no such button.
 */
export const GET = apiHandler(async (request) => {
  const settings = entraSettings();
  const origin = publicOrigin(request.headers);
  if (!settings) return NextResponse.redirect(new URL("/login", origin), 303);
  const next = new URL(request.url).searchParams.get("next");
  const begun = await beginEntraSignIn(settings, { origin, next });
  const response = NextResponse.redirect(begun.url, 303);
  response.cookies.set(FLOW_COOKIE, begun.flowCookie, {
    httpOnly: true,
    sameSite: "lax",
    secure: cookieSecureFlag(request.headers),
    path: FLOW_COOKIE_PATH,
    maxAge: begun.maxAgeSeconds,
  });
  response.headers.set("cache-control", "no-store");
  return response;
});
