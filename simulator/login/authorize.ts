/**
 * Interactive sign-in: `GET|POST /{tenant}/oauth2/v2.0/authorize` and `GET /{tenant}/oauth2/v2.0/logout`, as Entra ID
 * serves them for the OpenID Connect authorization code flow with PKCE
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow,
 * https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc). Instead of a password prompt the form lists
 * the tenant's users (SimTenant.users) with the app roles they hold on the app; choosing one redirects to the app's
 * registered redirect URI with a single-use code that the token endpoint redeems (token-endpoint.ts) for an ID token
 * carrying `roles`, `nonce` and the user's ids.
 */
import { createHash, randomBytes } from "node:crypto";
import { readBody } from "../http/read-body";
import type { RequestContext, RouteResult } from "../http/request-context";
import type { RegisteredApp, SimUser, TenantRuntime } from "../tenant-directory";
import { entraError, tenantNotFound } from "./entra-error";
import type { LoginServices } from "./login-services";

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const MAX_OUTSTANDING_CODES = 10_000;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An error shown in the browser, not sent to the app: what Entra does when the client or redirect URI is wrong. */
function errorPage(status: number, code: number, message: string): RouteResult {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>Sign in</title></head><body><h1>Sorry, but we're having trouble signing you in.</h1><p>AADSTS${code}: ${escapeHtml(message)}</p></body></html>`;
  return { status, body, headers: { "Content-Type": "text/html; charset=utf-8" } };
}

function redirect(location: string): RouteResult {
  return { status: 302, body: "", headers: { Location: location, "Content-Type": "text/html; charset=utf-8" } };
}

type Params = Record<string, string>;

interface Checked {
  tenant: TenantRuntime;
  app: RegisteredApp;
  params: Params;
}

/** The request's client and redirect URI, checked before anything is sent back to that URI. */
function checkRequest(login: LoginServices, ctx: RequestContext, segment: string, params: Params): Checked | RouteResult {
  const tenant = login.directory.find(segment);
  if (!tenant) throw tenantNotFound(ctx, segment, login.now());
  ctx.tenantId = tenant.config.tenantId;
  const app = tenant.apps.get((params.client_id ?? "").toLowerCase());
  if (!app)
    return errorPage(400, 700016, `Application with identifier '${params.client_id ?? ""}' was not found in the directory '${tenant.config.tenantName}'.`);
  if (!params.redirect_uri || !(app.redirectUris ?? []).includes(params.redirect_uri))
    return errorPage(
      400,
      50011,
      `The redirect URI '${params.redirect_uri ?? ""}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'.`,
    );
  return { tenant, app, params };
}

/** Errors after the redirect URI is known good go back to the app, with its state. */
function errorRedirect(params: Params, error: string, description: string): RouteResult {
  const url = new URL(params.redirect_uri!);
  url.searchParams.set("error", error);
  url.searchParams.set("error_description", description);
  if (params.state) url.searchParams.set("state", params.state);
  return redirect(url.toString());
}

function protocolError(params: Params): RouteResult | null {
  if (params.response_type !== "code")
    return errorRedirect(params, "unsupported_response_type", "AADSTS700054: response_type 'code' is the only one this app may use.");
  if (!(params.scope ?? "").split(/\s+/).includes("openid"))
    return errorRedirect(params, "invalid_request", "AADSTS900144: The request must ask for the 'openid' scope to receive an ID token.");
  if (params.code_challenge && (params.code_challenge_method ?? "plain") !== "S256")
    return errorRedirect(
      params,
      "invalid_request",
      "AADSTS501491: Invalid size of Code_Challenge parameter or code_challenge_method (the simulator accepts S256 only).",
    );
  if (params.code_challenge && !/^[A-Za-z0-9_-]{43}$/.test(params.code_challenge))
    return errorRedirect(params, "invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter.");
  return null;
}

const rolesOf = (user: SimUser, app: RegisteredApp) => user.appRoles?.[app.clientId] ?? user.appRoles?.[app.clientId.toLowerCase()] ?? [];

/** GET: the sign-in form. */
export function authorizeForm(login: LoginServices, ctx: RequestContext, segment: string): RouteResult {
  const params: Params = Object.fromEntries(ctx.url.searchParams);
  const checked = checkRequest(login, ctx, segment, params);
  if (!("tenant" in checked)) return checked;
  const refused = protocolError(params);
  if (refused) return refused;
  const { tenant, app } = checked;
  const hidden = Object.entries(params)
    .filter(([k]) => k !== "user")
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
  const users = (tenant.config.users ?? [])
    .map((u) => {
      const roles = rolesOf(u, app);
      return `<li><button type="submit" name="user" value="${escapeHtml(u.id)}" data-upn="${escapeHtml(u.userPrincipalName)}"><strong>${escapeHtml(u.displayName)}</strong><span>${escapeHtml(u.userPrincipalName)}</span><em>${escapeHtml(roles.length ? roles.join(", ") : "no app role")}</em></button></li>`;
    })
    .join("");
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title>
<style>body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0;display:flex;justify-content:center;padding:48px 16px}main{background:#fff;max-width:440px;width:100%;padding:32px;box-shadow:0 2px 6px rgba(0,0,0,.15)}h1{font-size:22px;font-weight:600;margin:0 0 4px}p{color:#555;margin:0 0 20px;font-size:14px}ul{list-style:none;padding:0;margin:0}li{margin:0 0 8px}button{width:100%;text-align:left;border:1px solid #ccc;background:#fff;padding:10px 12px;cursor:pointer;display:grid;gap:2px;font:inherit}button:hover{background:#f0f6ff;border-color:#0067b8}span{color:#555;font-size:13px}em{color:#0067b8;font-size:12px;font-style:normal}</style></head>
<body><main><h1>Pick an account</h1><p>${escapeHtml(tenant.config.tenantName)} · ${escapeHtml(app.displayName ?? app.clientId)} (Entra ID simulator)</p>
<form method="post">${hidden}<ul>${users || "<li>This tenant has no users.</li>"}</ul></form></main></body></html>`;
  return { status: 200, body, headers: { "Content-Type": "text/html; charset=utf-8" } };
}

/** POST: the chosen user; back to the app with a code. */
export async function authorizeSubmit(login: LoginServices, ctx: RequestContext, segment: string): Promise<RouteResult> {
  const params: Params = Object.fromEntries(new URLSearchParams(await readBody(ctx.req, 64_000)));
  const checked = checkRequest(login, ctx, segment, params);
  if (!("tenant" in checked)) return checked;
  const refused = protocolError(params);
  if (refused) return refused;
  const { tenant, app } = checked;
  const user = (tenant.config.users ?? []).find((u) => u.id === params.user);
  if (!user) return errorRedirect(params, "access_denied", "AADSTS50020: The user account does not exist in this tenant.");
  const now = login.now();
  for (const [code, issued] of login.codes) if (issued.expiresAt < now) login.codes.delete(code);
  if (login.codes.size >= MAX_OUTSTANDING_CODES) return errorRedirect(params, "temporarily_unavailable", "AADSTS90033: Too many outstanding codes.");
  const code = randomBytes(32).toString("base64url");
  login.codes.set(code, {
    tenantId: tenant.config.tenantId,
    clientId: app.clientId,
    redirectUri: params.redirect_uri!,
    scope: params.scope ?? "openid",
    nonce: params.nonce || null,
    codeChallenge: params.code_challenge || null,
    userId: user.id,
    expiresAt: now + CODE_LIFETIME_MS,
  });
  const url = new URL(params.redirect_uri!);
  url.searchParams.set("code", code);
  if (params.state) url.searchParams.set("state", params.state);
  url.searchParams.set("session_state", randomBytes(16).toString("hex"));
  return redirect(url.toString());
}

/**
 * The token endpoint's `authorization_code` grant, after the client proved itself: the code is single-use, bound to
 * the client, the redirect URI and (PKCE) the verifier's S256 hash. Answers the tokens Entra answers.
 */
export function redeemAuthorizationCode(login: LoginServices, ctx: RequestContext, tenant: TenantRuntime, app: RegisteredApp, form: URLSearchParams): unknown {
  const now = login.now();
  const code = form.get("code") ?? "";
  const issued = login.codes.get(code);
  login.codes.delete(code);
  if (!issued || issued.tenantId !== tenant.config.tenantId || issued.clientId !== app.clientId)
    throw entraError(ctx, 400, "invalid_grant", 70000, "The provided authorization code is invalid, expired or already redeemed.", now);
  if (issued.expiresAt < now) throw entraError(ctx, 400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired.", now);
  if (form.get("redirect_uri") !== issued.redirectUri)
    throw entraError(ctx, 400, "invalid_grant", 50011, "The redirect URI does not match the one the code was issued for.", now);
  if (issued.codeChallenge) {
    const verifier = form.get("code_verifier") ?? "";
    if (createHash("sha256").update(verifier).digest("base64url") !== issued.codeChallenge)
      throw entraError(ctx, 400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.", now);
  }
  const user = (tenant.config.users ?? []).find((u) => u.id === issued.userId);
  if (!user) throw entraError(ctx, 400, "invalid_grant", 50020, "The user account does not exist in this tenant.", now);
  const tid = tenant.config.tenantId;
  const iat = Math.floor(now / 1000);
  const roles = rolesOf(user, app);
  const idToken = login.accessTokens.sign({
    aud: app.clientId,
    iss: `${ctx.origin}/${tid}/v2.0`,
    iat,
    nbf: iat,
    exp: iat + 3600,
    name: user.displayName,
    ...(issued.nonce ? { nonce: issued.nonce } : {}),
    oid: user.id,
    preferred_username: user.userPrincipalName,
    rh: "0.simulated.",
    sid: randomBytes(16).toString("hex"),
    sub: createHash("sha256").update(`${user.id}:${app.clientId}`).digest("base64url").slice(0, 43),
    tid,
    uti: randomBytes(16).toString("base64url"),
    ver: "2.0",
    ...(roles.length ? { roles } : {}),
    ...(user.groups?.length ? { groups: user.groups } : {}),
  });
  const access = login.accessTokens.issue({ tenant, app: { ...app, permissions: [] }, audience: "00000003-0000-0000-c000-000000000000", appidacr: "1" });
  return {
    token_type: "Bearer",
    scope: "openid profile email",
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
    id_token: idToken,
    client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tid })).toString("base64url"),
  };
}

/** `GET /{tenant}/oauth2/v2.0/logout`: the end-session endpoint; back to `post_logout_redirect_uri` when an app registered its origin. */
export function endSession(login: LoginServices, ctx: RequestContext, segment: string): RouteResult {
  const tenant = login.directory.find(segment);
  if (!tenant) throw tenantNotFound(ctx, segment, login.now());
  ctx.tenantId = tenant.config.tenantId;
  const back = ctx.url.searchParams.get("post_logout_redirect_uri");
  let origin: string | null = null;
  try {
    origin = back ? new URL(back).origin : null;
  } catch {
    origin = null;
  }
  const registered = [...tenant.apps.values()].some((a) => (a.redirectUris ?? []).some((u) => new URL(u).origin === origin));
  if (back && registered) return redirect(back);
  return {
    status: 200,
    body: '<!doctype html><html><head><meta charset="utf-8"><title>Signed out</title></head><body><h1>You signed out of your account</h1><p>It\'s a good idea to close all browser windows.</p></body></html>',
    headers: { "Content-Type": "text/html; charset=utf-8" },
  };
}
