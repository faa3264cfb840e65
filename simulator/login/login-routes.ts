/** The login host's routes (Entra ID's v2.0 endpoints under `/{tenant}`); null for any other path. */
import { ok, type RequestContext, type RouteResult } from "../http/request-context";
import { entraError } from "./entra-error";
import type { LoginServices } from "./login-services";
import { instanceDiscovery, openIdConfiguration } from "./openid-metadata";
import { answerTokenRequest } from "./token-endpoint";
import { authorizeForm, authorizeSubmit, endSession } from "./authorize";

export async function routeLogin(login: LoginServices, ctx: RequestContext, method: string, path: string): Promise<RouteResult | null> {
  let m: RegExpExecArray | null;
  if (method === "GET" && (m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path)))
    return ok(openIdConfiguration(login, ctx, decodeURIComponent(m[1]!)));
  if (method === "GET" && /^\/[^/]+\/discovery\/instance$/.test(path)) return ok(instanceDiscovery(ctx));
  if (method === "GET" && /^\/[^/]+\/discovery\/(v2\.0\/)?keys$/.test(path)) return ok(login.accessTokens.jwks());
  if ((m = /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/.exec(path))) {
    if (method === "GET") return authorizeForm(login, ctx, decodeURIComponent(m[1]!));
    if (method === "POST") return authorizeSubmit(login, ctx, decodeURIComponent(m[1]!));
  }
  if (method === "GET" && (m = /^\/([^/]+)\/oauth2\/v2\.0\/logout$/.exec(path))) return endSession(login, ctx, decodeURIComponent(m[1]!));
  if ((m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path))) {
    if (method !== "POST")
      throw entraError(ctx, 400, "invalid_request", 900561, "The endpoint only accepts POST requests. Received a GET request.", login.now());
    return ok(await answerTokenRequest(login, ctx, decodeURIComponent(m[1]!)));
  }
  return null;
}
