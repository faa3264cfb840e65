import "server-only";
import { createPublicKey, randomBytes, timingSafeEqual, verify, type JsonWebKey } from "node:crypto";
import { ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { config } from "@/lib/config";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import type { Db } from "@/lib/db/client";
import { checkCloudHosts } from "@/lib/graph/clouds";
import { log } from "@/lib/log/logger";
import { startSession } from "./admin-sessions";
import { parseGroupRoles, roleFromClaims, type Role } from "./roles";
import { formatEntraGroups, GROUPS_UNKNOWN, hasGroupOverage } from "./tenant-scope";
import { safeNextPath } from "./safe-next-path";

/**
 * Sign in with Microsoft (issue 20, decision 022): OpenID Connect's authorization code flow with PKCE
 * (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc) through MSAL Node's
 * ConfidentialClientApplication (getAuthCodeUrl, acquireTokenByCode) for JoinScope's own app registration.
 *
 * The request's state, nonce and PKCE verifier travel in a sealed (AES-256-GCM), HttpOnly cookie scoped to /auth and
 * ten minutes. At the callback the state must match the cookie's, MSAL checks the ID token's nonce, and this module
 * checks the ID token itself against the authority's signing keys (jwks_uri): signature (RS256), issuer, audience,
 * lifetime, tenant, nonce. The ID token comes straight from the token endpoint over TLS, which OpenID Connect Core
 * §3.1.3.7 accepts in place of the signature check; checking it anyway costs one cached key fetch.
 */

export const FLOW_COOKIE = "joinscope_oidc";
export const FLOW_COOKIE_PATH = "/auth";
const FLOW_SECONDS = 600;
const CLOCK_SKEW_SECONDS = 300;

export interface EntraSettings {
  clientId: string;
  clientSecret: string;
  /** A tenant id, or "organizations" (multi-tenant; allowedTenants then lists who may sign in). */
  tenant: string;
  allowedTenants: readonly string[];
  authorityHost: string;
  groupRoles: ReadonlyMap<string, Role>;
  redirectUri: string | undefined;
}

/** The configured app registration, or null when Sign in with Microsoft is not set up. Throws on a bad group map. */
export function entraSettings(): EntraSettings | null {
  const { JOINSCOPE_ENTRA_CLIENT_ID: clientId, JOINSCOPE_ENTRA_CLIENT_SECRET: clientSecret, JOINSCOPE_ENTRA_TENANT_ID: tenant } = config;
  if (!clientId || !clientSecret || !tenant) return null;
  const groupRoles = parseGroupRoles(config.JOINSCOPE_ENTRA_GROUP_ROLES);
  if (typeof groupRoles === "string") throw new Error(`JOINSCOPE_ENTRA_GROUP_ROLES: ${groupRoles}`);
  return {
    clientId,
    clientSecret,
    tenant,
    allowedTenants: config.JOINSCOPE_ENTRA_ALLOWED_TENANTS,
    authorityHost: config.JOINSCOPE_ENTRA_AUTHORITY_HOST,
    groupRoles,
    redirectUri: config.JOINSCOPE_ENTRA_REDIRECT_URI,
  };
}

/** The redirect URI registered on the app: JOINSCOPE_ENTRA_REDIRECT_URI, else `<origin>/auth/callback`. */
export function redirectUriFor(settings: EntraSettings, origin: string): string {
  return settings.redirectUri ?? `${origin}/auth/callback`;
}

function clientFor(settings: EntraSettings): ConfidentialClientApplication {
  const hosts = checkCloudHosts({ authorityHost: settings.authorityHost, graphBaseUrl: `https://${settings.authorityHost}` });
  if (!hosts.ok) throw new EntraSignInError("not-allowed-host", `The sign-in host ${settings.authorityHost} is not allowed: ${hosts.message}`);
  return new ConfidentialClientApplication({
    auth: {
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      authority: `https://${settings.authorityHost}/${settings.tenant}`,
      knownAuthorities: [settings.authorityHost],
    },
  });
}

export class EntraSignInError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FlowState = z.object({
  state: z.string().min(20).max(100),
  nonce: z.string().min(20).max(100),
  verifier: z.string().min(43).max(128),
  redirectUri: z.string().url(),
  next: z.string().max(2000),
  expiresAt: z.number(),
});
type FlowState = z.infer<typeof FlowState>;

/** The URL to send the browser to, and the sealed cookie that remembers this sign-in's state, nonce and verifier. */
export async function beginEntraSignIn(
  settings: EntraSettings,
  options: { origin: string; next: string | null; now?: number },
): Promise<{ url: string; flowCookie: string; maxAgeSeconds: number }> {
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const flow: FlowState = {
    state: randomBytes(32).toString("base64url"),
    nonce: randomBytes(32).toString("base64url"),
    verifier,
    redirectUri: redirectUriFor(settings, options.origin),
    next: safeNextPath(options.next),
    expiresAt: (options.now ?? Date.now()) + FLOW_SECONDS * 1000,
  };
  const url = await clientFor(settings).getAuthCodeUrl({
    scopes: ["openid", "profile", "email"],
    redirectUri: flow.redirectUri,
    state: flow.state,
    nonce: flow.nonce,
    codeChallenge: challenge,
    codeChallengeMethod: "S256",
    responseMode: "query",
    prompt: "select_account",
  });
  return { url, flowCookie: sealSecret(JSON.stringify(flow)), maxAgeSeconds: FLOW_SECONDS };
}

function readFlow(sealed: string | undefined, now: number): FlowState {
  if (!sealed) throw new EntraSignInError("no-flow", "This sign-in was not started here, or took longer than ten minutes. Start again.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(openSecret(sealed));
  } catch {
    throw new EntraSignInError("no-flow", "This sign-in was not started here, or took longer than ten minutes. Start again.");
  }
  const flow = FlowState.safeParse(parsed);
  if (!flow.success || flow.data.expiresAt < now) throw new EntraSignInError("no-flow", "This sign-in took longer than ten minutes. Start again.");
  return flow.data;
}

const sameString = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const CallbackQuery = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

export type EntraSignInResult =
  { ok: true; sessionToken: string; expiresAt: Date; next: string; role: Role | null } | { ok: false; code: string; message: string };

/**
 * The callback: checks the flow, redeems the code (MSAL: PKCE verifier, state, nonce), checks the ID token, finds or
 * creates the account by (tid, oid), sets its role from the token and starts a session. Failures are audit-logged.
 */
export async function completeEntraSignIn(
  db: Db,
  settings: EntraSettings,
  input: { flowCookie: string | undefined; query: z.input<typeof CallbackQuery>; clientAddress: string; previousSessionToken?: string; now?: Date },
): Promise<EntraSignInResult> {
  const now = input.now ?? new Date();
  let who: string | null = null;
  try {
    const flow = readFlow(input.flowCookie, now.getTime());
    const query = CallbackQuery.safeParse(input.query);
    if (!query.success) throw new EntraSignInError("invalid-callback", "The sign-in answer could not be read. Start again.");
    if (!query.data.state || !sameString(query.data.state, flow.state))
      throw new EntraSignInError("state-mismatch", "This sign-in answer does not belong to the sign-in started in this browser. Start again.");
    if (query.data.error) throw new EntraSignInError("entra-error", `Microsoft refused the sign-in: ${query.data.error_description ?? query.data.error}`);
    if (!query.data.code) throw new EntraSignInError("invalid-callback", "The sign-in answer carries no code. Start again.");

    const cca = clientFor(settings);
    const result = await cca
      .acquireTokenByCode(
        {
          code: query.data.code,
          codeVerifier: flow.verifier,
          redirectUri: flow.redirectUri,
          scopes: ["openid", "profile", "email"],
          state: flow.state,
          nonce: flow.nonce,
        },
        { code: query.data.code, state: query.data.state },
      )
      .catch((error: unknown) => {
        const code = error instanceof Error && "errorCode" in error ? String((error as { errorCode: unknown }).errorCode) : "token-error";
        throw new EntraSignInError(code, `The sign-in could not be completed (${code}). Start again.`);
      });
    // MSAL keeps what it acquired in an in-memory cache; nothing here needs it later.
    if (result.account) await cca.getTokenCache().removeAccount(result.account);

    const claims = await verifyIdToken(settings, result.idToken, flow.nonce, now);
    who = claims.preferred_username ?? claims.email ?? claims.oid;
    const role = roleFromClaims(claims, settings.groupRoles);
    const email = (claims.preferred_username ?? claims.email ?? `${claims.oid}@${claims.tid}`).toLowerCase().slice(0, 254);
    const name = (claims.name ?? email).slice(0, 200);

    const session = await db.$transaction(async (tx) => {
      let user = await tx.adminUser.findUnique({
        where: { entraTenantId_entraObjectId: { entraTenantId: claims.tid, entraObjectId: claims.oid } },
        select: { id: true, disabledAt: true },
      });
      if (!user) {
        const taken = await tx.adminUser.findUnique({ where: { email }, select: { id: true } });
        if (taken)
          throw new EntraSignInError(
            "email-taken",
            `A local JoinScope account already uses ${email}; it is not linked to your Microsoft account. Ask an admin to rename or remove it.`,
          );
        user = await tx.adminUser.create({
          data: { email, name, passwordHash: "", source: "entra", entraTenantId: claims.tid, entraObjectId: claims.oid, role },
          select: { id: true, disabledAt: true },
        });
      }
      if (user.disabledAt) throw new EntraSignInError("disabled", "Your JoinScope account is disabled. Ask a JoinScope admin.");
      // The groups are kept for the groups' tenant limits (decision 027), rewritten at every sign-in as the role is.
      await tx.adminUser.update({
        where: { id: user.id },
        data: { email, name, role, entraGroups: hasGroupOverage(claims) ? GROUPS_UNKNOWN : formatEntraGroups(claims.groups), lastLoginAt: now },
      });
      const started = await startSession(tx, user.id, input.previousSessionToken, now);
      await writeAuditLog(tx, {
        actor: email,
        action: "admin.login",
        target: user.id,
        detail: { method: "entra", role, tenant: claims.tid, address: input.clientAddress },
      });
      return started;
    });
    return { ok: true, ...session, next: flow.next, role };
  } catch (error) {
    const known = error instanceof EntraSignInError ? error : null;
    if (!known) log("error", "entra sign-in failed", { error: error instanceof Error ? error.message : String(error) });
    const code = known?.code ?? "failed";
    await writeAuditLog(db, {
      actor: who ?? "unknown",
      action: "admin.login.failed",
      detail: { method: "entra", reason: code, message: (known?.message ?? "").slice(0, 300), address: input.clientAddress },
    });
    return { ok: false, code, message: known?.message ?? "The sign-in could not be completed. Start again." };
  }
}

const IdTokenClaims = z.object({
  iss: z.string(),
  aud: z.string(),
  exp: z.number(),
  iat: z.number().optional(),
  nbf: z.number().optional(),
  nonce: z.string(),
  tid: z
    .string()
    .uuid()
    .transform((v) => v.toLowerCase()),
  oid: z
    .string()
    .uuid()
    .transform((v) => v.toLowerCase()),
  preferred_username: z.string().max(320).optional(),
  email: z.string().max(320).optional(),
  name: z.string().max(400).optional(),
  roles: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
  /**
   * The group overage indication: a user in more groups than fit in a token (200 in a JWT) gets no `groups` claim but
   * `_claim_names.groups` (or `hasgroups`) instead
   * (https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference#groups-overage-claim).
   */
  _claim_names: z.record(z.string(), z.unknown()).optional(),
  hasgroups: z.unknown().optional(),
});
export type IdTokenClaims = z.infer<typeof IdTokenClaims>;

/** https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference: the checks an app makes. */
export async function verifyIdToken(settings: EntraSettings, idToken: string, nonce: string, now: Date): Promise<IdTokenClaims> {
  const bad = (why: string) => new EntraSignInError("invalid-id-token", `Microsoft's answer could not be verified (${why}). Start again.`);
  const parts = idToken.split(".");
  if (parts.length !== 3) throw bad("not a signed token");
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown };
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { alg?: unknown; kid?: unknown };
    payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    throw bad("not a signed token");
  }
  if (header.alg !== "RS256" || typeof header.kid !== "string") throw bad("unexpected signing algorithm");
  const key = await signingKey(settings, header.kid);
  if (!key || !verify("sha256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url"))) throw bad("signature");
  const parsed = IdTokenClaims.safeParse(payload);
  if (!parsed.success) throw bad("claims");
  const claims = parsed.data;
  const nowSec = Math.floor(now.getTime() / 1000);
  if (claims.exp < nowSec - CLOCK_SKEW_SECONDS || (claims.nbf !== undefined && claims.nbf > nowSec + CLOCK_SKEW_SECONDS)) throw bad("expired");
  if (claims.aud !== settings.clientId) throw bad("audience");
  if (!sameString(claims.nonce, nonce)) throw bad("nonce");
  const tenantAllowed = settings.tenant === "organizations" ? settings.allowedTenants.includes(claims.tid) : claims.tid === settings.tenant;
  if (!tenantAllowed) throw new EntraSignInError("tenant-not-allowed", "Accounts of your organisation may not sign in to this JoinScope.");
  if (claims.iss !== `https://${settings.authorityHost}/${claims.tid}/v2.0`) throw bad("issuer");
  return claims;
}

interface Jwks {
  fetchedAt: number;
  keys: Map<string, JsonWebKey>;
}
const jwksCache = new Map<string, Jwks>();
const JWKS_TTL_MS = 3600_000;

/** The authority's signing key `kid`, read from its OpenID configuration's jwks_uri (cached an hour; refetched once for an unknown kid). */
async function signingKey(settings: EntraSettings, kid: string) {
  const metadataUrl = `https://${settings.authorityHost}/${settings.tenant}/v2.0/.well-known/openid-configuration`;
  let jwks = jwksCache.get(metadataUrl);
  if (!jwks || Date.now() - jwks.fetchedAt > JWKS_TTL_MS || !jwks.keys.has(kid)) {
    if (jwks && jwks.keys.has(kid) === false && Date.now() - jwks.fetchedAt < 60_000) return null;
    const metadata = z.object({ jwks_uri: z.string().url() }).parse(await fetchJson(metadataUrl));
    if (new URL(metadata.jwks_uri).host !== settings.authorityHost) return null;
    const body = z.object({ keys: z.array(z.object({ kid: z.string(), kty: z.string() }).passthrough()).max(100) }).parse(await fetchJson(metadata.jwks_uri));
    jwks = { fetchedAt: Date.now(), keys: new Map(body.keys.filter((k) => k.kty === "RSA").map((k) => [k.kid, k as JsonWebKey])) };
    jwksCache.set(metadataUrl, jwks);
  }
  const jwk = jwks.keys.get(kid);
  return jwk ? createPublicKey({ key: jwk, format: "jwk" }) : null;
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000), headers: { accept: "application/json" } });
  if (!response.ok) throw new EntraSignInError("metadata", `The sign-in service answered ${response.status} for its metadata`);
  const text = await response.text();
  if (text.length > 1_000_000) throw new EntraSignInError("metadata", "The sign-in service's metadata is too large");
  return JSON.parse(text) as unknown;
}

/**
 * What the login page says for a failed Microsoft sign-in: the callback passes only the code (`/login?error=<code>`),
 * so the page never shows text a link's author chose.
 */
export function signInErrorMessage(code: string): string {
  const messages: Record<string, string> = {
    "no-flow": "That sign-in was not started in this browser, or took longer than ten minutes. Start again.",
    "state-mismatch": "That sign-in answer does not belong to the sign-in started in this browser. Start again.",
    "entra-error": "Microsoft did not complete the sign-in. Start again, or ask your Entra ID admin.",
    "invalid-id-token": "Microsoft's answer could not be verified. Start again.",
    "tenant-not-allowed": "Accounts of your organisation may not sign in to this JoinScope.",
    "email-taken": "A local JoinScope account already uses your email address and is not linked to your Microsoft account. Ask a JoinScope admin.",
    disabled: "Your JoinScope account is disabled. Ask a JoinScope admin.",
  };
  // Own keys only: the code is the page's query, and `__proto__` or `toString` would otherwise give an object or a function.
  return Object.hasOwn(messages, code) ? messages[code]! : "Sign-in with Microsoft could not be completed. Start again.";
}

/** The end-session URL that signs the browser out of Entra ID and comes back to `postLogoutRedirectUri`. */
export function endSessionUrl(settings: EntraSettings, postLogoutRedirectUri: string): string {
  const url = new URL(`https://${settings.authorityHost}/${settings.tenant}/oauth2/v2.0/logout`);
  url.searchParams.set("post_logout_redirect_uri", postLogoutRedirectUri);
  return url.toString();
}
