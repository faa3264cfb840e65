import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "@/lib/auth/admin-sessions";
import { completeEntraSignIn, entraSettings, FLOW_COOKIE, FLOW_COOKIE_PATH } from "@/lib/auth/entra-sign-in";
import { db } from "@/lib/db/client";
import { apiHandler } from "@/lib/http/api-handler";
import { clientAddressFromHeaders } from "@/lib/http/client-address";
import { cookieSecureFlag, publicOrigin } from "@/lib/http/public-origin";

export const dynamic = "force-dynamic";

/**
 * GET /auth/callback?code=…&state=… — the redirect URI registered on JoinScope's app: completes the sign-in
 * (lib/auth/entra-sign-in.ts: state, code + PKCE verifier through MSAL, nonce, the ID token's signature and claims),
 * sets a fresh session cookie and goes on to the page asked for; on any failure back to /login with the reason.
 */
export const GET = apiHandler(async (request) => {
  const origin = publicOrigin(request.headers);
  const settings = entraSettings();
  if (!settings) return NextResponse.redirect(new URL("/login", origin), 303);
  const req = request as NextRequest;
  const search = new URL(request.url).searchParams;
  const query = Object.fromEntries(["code", "state", "error", "error_description"].flatMap((k) => (search.has(k) ? [[k, search.get(k)!]] : [])));
  const result = await completeEntraSignIn(db, settings, {
    flowCookie: req.cookies.get(FLOW_COOKIE)?.value,
    query,
    clientAddress: clientAddressFromHeaders(request.headers),
    previousSessionToken: req.cookies.get(SESSION_COOKIE)?.value,
  });
  const secure = cookieSecureFlag(request.headers);
  const target = result.ok
    ? new URL(result.next, origin)
    : new URL(`/login?error=${encodeURIComponent(result.code.replace(/[^a-z0-9_-]/gi, "").slice(0, 40))}`, origin);
  const response = NextResponse.redirect(target, 303);
  // The flow cookie is single-use: a replayed callback finds none.
  response.cookies.set(FLOW_COOKIE, "", { httpOnly: true, sameSite: "lax", secure, path: FLOW_COOKIE_PATH, maxAge: 0 });
  if (result.ok) response.cookies.set(SESSION_COOKIE, result.sessionToken, { httpOnly: true, sameSite: "lax", secure, path: "/", expires: result.expiresAt });
  response.headers.set("cache-control", "no-store");
  return response;
});
