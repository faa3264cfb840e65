/**
 * Sign in with Microsoft through lib/auth/entra-sign-in.ts's public functions (issue 20, decision 022; issue 26: no
 * test outside the browser suite reached this module, so every one of its mutants went unnoticed). The simulator plays
 * Entra ID: its authorize form issues a code for a chosen user, its token endpoint redeems it (PKCE) for an ID token it
 * signs with the key it publishes. Each test signs a user in the way the browser would: beginEntraSignIn's URL, the
 * form's answer, then completeEntraSignIn with the flow cookie and the callback's query.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAdminBySession } from "@/lib/auth/admin-sessions";
import {
  beginEntraSignIn,
  completeEntraSignIn,
  endSessionUrl,
  entraSettings,
  FLOW_COOKIE,
  FLOW_COOKIE_PATH,
  redirectUriFor,
  signInErrorMessage,
  verifyIdToken,
  type EntraSettings,
} from "@/lib/auth/entra-sign-in";
import { GROUPS_UNKNOWN } from "@/lib/auth/tenant-scope";
import { config } from "@/lib/config";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { db } from "@/lib/db/client";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import { createSignInApp, HELPDESK_GROUP_ID, OPERATORS_GROUP_ID, SIGN_IN_APP_ID, SIGN_IN_APP_SECRET } from "@/simulator/sign-in-app";
import { createAdminWithCheapHash } from "../setup/factories";

const ORIGIN = "http://app.test:3000";
const signInApp = createSignInApp({ appOrigin: ORIGIN, domain: "fabrikam.onmicrosoft.com" });
const [rita, oscar, ada, nina, gus, hana] = signInApp.users as [
  (typeof signInApp.users)[0],
  (typeof signInApp.users)[0],
  (typeof signInApp.users)[0],
  (typeof signInApp.users)[0],
  (typeof signInApp.users)[0],
  (typeof signInApp.users)[0],
];

let sim: SimulatorHandle;
let tenantId: string;
let settings: EntraSettings;

beforeAll(async () => {
  const { tenant } = createSimTenant({ seed: 7, deviceCount: 1, tenantName: "Fabrikam" });
  tenantId = tenant.tenantId;
  sim = await startSimulator({ tenants: [{ ...tenant, extraApps: [signInApp.app], users: signInApp.users }] });
  settings = {
    clientId: SIGN_IN_APP_ID,
    clientSecret: SIGN_IN_APP_SECRET,
    tenant: tenantId,
    allowedTenants: [],
    authorityHost: sim.authorityHost,
    groupRoles: new Map([[OPERATORS_GROUP_ID, "Operator"]]),
    redirectUri: undefined,
  };
});
afterAll(async () => {
  await sim?.close();
});

let addressCounter = 0;
const address = () => `198.51.100.${++addressCounter}`;

/** The browser's part: open beginEntraSignIn's URL, pick `user` on the simulator's form, come back with its query. */
async function pickUser(url: string, userId: string): Promise<Record<string, string>> {
  const authorize = new URL(url);
  const response = await fetch(authorize.origin + authorize.pathname, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams([...authorize.searchParams, ["user", userId]]).toString(),
    redirect: "manual",
  });
  expect(response.status).toBe(302);
  const back = new URL(response.headers.get("location")!);
  expect(back.origin + back.pathname).toBe(`${ORIGIN}/auth/callback`);
  return Object.fromEntries(back.searchParams);
}

async function signIn(user: { id: string }, options: { next?: string | null; settings?: EntraSettings; previousSessionToken?: string; now?: Date } = {}) {
  const s = options.settings ?? settings;
  const begun = await beginEntraSignIn(s, { origin: ORIGIN, next: options.next ?? null });
  const query = await pickUser(begun.url, user.id);
  return completeEntraSignIn(db, s, {
    flowCookie: begun.flowCookie,
    query,
    clientAddress: address(),
    previousSessionToken: options.previousSessionToken,
    now: options.now,
  });
}

async function failures() {
  const rows = await db.auditLog.findMany({ where: { action: "admin.login.failed" }, orderBy: { at: "asc" } });
  return rows.map((r) => ({ actor: r.actor, detail: r.detail as Record<string, unknown> }));
}

/** An ID token straight from the simulator's token endpoint (no MSAL), for verifyIdToken's own checks. */
async function idTokenFor(user: { id: string }, nonce: string): Promise<string> {
  const verifier = "v".repeat(43) + "0123456789";
  const authorize = new URL(`${sim.url}/${tenantId}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries({
    client_id: SIGN_IN_APP_ID,
    redirect_uri: `${ORIGIN}/auth/callback`,
    response_type: "code",
    scope: "openid profile",
    state: "s".repeat(30),
    nonce,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }))
    authorize.searchParams.set(k, v);
  const { code } = await pickUser(authorize.toString(), user.id);
  const response = await fetch(`${sim.url}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: SIGN_IN_APP_ID,
      client_secret: SIGN_IN_APP_SECRET,
      code: code!,
      code_verifier: verifier,
      redirect_uri: `${ORIGIN}/auth/callback`,
      scope: "openid profile",
    }).toString(),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id_token: string }).id_token;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const partsOf = (token: string) => token.split(".") as [string, string, string];
const claimsOf = (token: string) => JSON.parse(Buffer.from(partsOf(token)[1], "base64url").toString()) as Record<string, unknown>;

describe("beginEntraSignIn", () => {
  it("sends the browser to the tenant's authorize endpoint with PKCE, state and nonce, and seals them in a ten-minute cookie", async () => {
    const begun = await beginEntraSignIn(settings, { origin: ORIGIN, next: "/devices?join=entra" });
    expect(begun.maxAgeSeconds).toBe(600);
    const url = new URL(begun.url);
    expect(url.origin + url.pathname).toBe(`https://${sim.authorityHost}/${tenantId}/oauth2/v2.0/authorize`);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      client_id: SIGN_IN_APP_ID,
      redirect_uri: `${ORIGIN}/auth/callback`,
      response_type: "code",
      code_challenge_method: "S256",
      response_mode: "query",
      prompt: "select_account",
    });
    expect(params.scope!.split(" ")).toEqual(expect.arrayContaining(["openid", "profile", "email"]));
    expect(params.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.state).not.toBe(params.nonce);
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The cookie is sealed: none of what it protects is readable in it.
    expect(begun.flowCookie).not.toContain(params.state);
    expect(begun.flowCookie).not.toContain("/devices");
    const again = await beginEntraSignIn(settings, { origin: ORIGIN, next: null });
    expect(new URL(again.url).searchParams.get("state")).not.toBe(params.state);
  });

  it("uses JOINSCOPE_ENTRA_REDIRECT_URI when set, else <origin>/auth/callback", () => {
    expect(redirectUriFor(settings, "https://joinscope.contoso.test")).toBe("https://joinscope.contoso.test/auth/callback");
    expect(redirectUriFor({ ...settings, redirectUri: "https://sso.contoso.test/cb" }, "https://joinscope.contoso.test")).toBe("https://sso.contoso.test/cb");
  });

  it("refuses an authority host the cloud allow-list does not name", async () => {
    await expect(beginEntraSignIn({ ...settings, authorityHost: "login.evil.example" }, { origin: ORIGIN, next: null })).rejects.toMatchObject({
      code: "not-allowed-host",
    });
  });
});

describe("completeEntraSignIn", () => {
  it("creates the account from the ID token, with the role its app role gives, starts a session and goes where the sign-in started", async () => {
    const result = await signIn(oscar, { next: "/devices?join=entra" });
    if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
    expect(result).toMatchObject({ role: "Operator", next: "/devices?join=entra" });
    const row = await db.adminUser.findUniqueOrThrow({ where: { email: "oscar.operator@fabrikam.onmicrosoft.com" } });
    expect(row).toMatchObject({
      name: "Oscar Operator",
      source: "entra",
      passwordHash: "",
      entraTenantId: tenantId.toLowerCase(),
      entraObjectId: oscar.id,
      role: "Operator",
      entraGroups: "",
      disabledAt: null,
    });
    expect(row.lastLoginAt).not.toBeNull();
    expect(await findAdminBySession(db, result.sessionToken)).toMatchObject({ id: row.id, role: "Operator", source: "entra" });
    const login = await db.auditLog.findFirstOrThrow({ where: { action: "admin.login", target: row.id } });
    expect(login.actor).toBe("oscar.operator@fabrikam.onmicrosoft.com");
    expect(login.detail).toEqual({ method: "entra", role: "Operator", tenant: tenantId.toLowerCase(), address: expect.stringMatching(/^198\.51\.100\./) });
  });

  it("finds the same account at the next sign-in, rewrites its role, and ends the session the browser had", async () => {
    const first = await signIn(ada);
    if (!first.ok) throw new Error(first.code);
    const id = (await db.adminUser.findUniqueOrThrow({ where: { email: "ada.admin@fabrikam.onmicrosoft.com" } })).id;
    await db.adminUser.update({ where: { id }, data: { role: "Reader", email: "renamed@fabrikam.test" } });
    const second = await signIn(ada, { previousSessionToken: first.sessionToken });
    if (!second.ok) throw new Error(second.code);
    expect(second.role).toBe("Admin");
    const rows = await db.adminUser.findMany({ where: { entraObjectId: ada.id } });
    expect(rows.map((r) => ({ id: r.id, role: r.role, email: r.email }))).toEqual([{ id, role: "Admin", email: "ada.admin@fabrikam.onmicrosoft.com" }]);
    expect(await findAdminBySession(db, first.sessionToken)).toBeNull();
    expect(await findAdminBySession(db, second.sessionToken)).toMatchObject({ id });
  });

  it("takes the role from a mapped group, none for a user with neither, and keeps the groups for tenant limits", async () => {
    const grouped = await signIn(gus);
    expect(grouped).toMatchObject({ ok: true, role: "Operator" });
    expect((await db.adminUser.findFirstOrThrow({ where: { entraObjectId: gus.id } })).entraGroups).toContain(OPERATORS_GROUP_ID);
    const helpdesk = await signIn(hana);
    expect(helpdesk).toMatchObject({ ok: true, role: "Reader" });
    expect((await db.adminUser.findFirstOrThrow({ where: { entraObjectId: hana.id } })).entraGroups).toContain(HELPDESK_GROUP_ID);
    const none = await signIn(nina);
    expect(none).toMatchObject({ ok: true, role: null });
    expect((await db.adminUser.findFirstOrThrow({ where: { entraObjectId: nina.id } })).role).toBeNull();
    expect((await db.adminUser.findFirstOrThrow({ where: { entraObjectId: nina.id } })).entraGroups).not.toBe(GROUPS_UNKNOWN);
  });

  it("never sends the browser off the site after sign-in", async () => {
    const result = await signIn(oscar, { next: "//evil.example/steal" });
    expect(result).toMatchObject({ ok: true, next: "/" });
  });

  it("refuses a local account's email without linking it, and a disabled Microsoft account; both audit-logged", async () => {
    // Rita signs in nowhere else in this file.
    const local = await createAdminWithCheapHash(db, { email: "rita.reader@fabrikam.onmicrosoft.com", password: "local password", name: "Local Rita" });
    const taken = await signIn(rita);
    expect(taken).toMatchObject({ ok: false, code: "email-taken" });
    expect(await db.adminUser.count({ where: { entraObjectId: rita.id } })).toBe(0);
    expect(await db.adminUser.findUniqueOrThrow({ where: { id: local } })).toMatchObject({ source: "local", entraObjectId: null, name: "Local Rita" });
    expect((await failures()).at(-1)).toMatchObject({ actor: "rita.reader@fabrikam.onmicrosoft.com", detail: { reason: "email-taken" } });

    const ok = await signIn(nina);
    expect(ok.ok).toBe(true);
    await db.adminUser.updateMany({ where: { entraObjectId: nina.id }, data: { disabledAt: new Date() } });
    const disabled = await signIn(nina);
    expect(disabled).toEqual({ ok: false, code: "disabled", message: "Your JoinScope account is disabled. Ask a JoinScope admin." });
    expect((await failures()).at(-1)).toEqual({
      actor: "nina.norole@fabrikam.onmicrosoft.com",
      detail: { method: "entra", reason: "disabled", message: "Your JoinScope account is disabled. Ask a JoinScope admin.", address: expect.any(String) },
    });
  });

  it("refuses a callback without its flow cookie, with an expired or forged one, with another sign-in's state, an error or no code", async () => {
    // The ID token is checked against the clock too: the flow begins now, the callback comes 9:59 later.
    const begunAt = Date.now();
    const begun = await beginEntraSignIn(settings, { origin: ORIGIN, next: "/audit", now: begunAt });
    const query = await pickUser(begun.url, oscar.id);
    const lastLogin = new Date(begunAt + 599_000);
    const complete = (flowCookie: string | undefined, q: Record<string, string>, now = lastLogin) =>
      completeEntraSignIn(db, settings, { flowCookie, query: q, clientAddress: "198.51.100.250", now });

    expect(await complete(undefined, query)).toMatchObject({ ok: false, code: "no-flow", message: expect.stringContaining("ten minutes") });
    expect(await complete("not a sealed cookie", query)).toMatchObject({ ok: false, code: "no-flow" });
    expect(await complete(sealSecret(JSON.stringify({ state: "x" })), query)).toMatchObject({ ok: false, code: "no-flow" });
    // Ten minutes after it began the flow is over; a millisecond before, it is not (state checked next).
    expect(await complete(begun.flowCookie, query, new Date(begunAt + 600_001))).toMatchObject({ ok: false, code: "no-flow" });
    expect(await complete(begun.flowCookie, { ...query, state: "another sign-in's state, long enough" })).toMatchObject({ ok: false, code: "state-mismatch" });
    expect(await complete(begun.flowCookie, { ...query, state: "" })).toMatchObject({ ok: false, code: "state-mismatch" });
    const { state } = query;
    expect(await complete(begun.flowCookie, { code: query.code! })).toMatchObject({ ok: false, code: "state-mismatch" });
    expect(await complete(begun.flowCookie, { state: state!, code: "x".repeat(4097) })).toMatchObject({ ok: false, code: "invalid-callback" });
    expect(await complete(begun.flowCookie, { state: state! })).toEqual({
      ok: false,
      code: "invalid-callback",
      message: "The sign-in answer carries no code. Start again.",
    });
    expect(await complete(begun.flowCookie, { state: state!, error: "access_denied", error_description: "AADSTS65004: User declined to consent." })).toEqual({
      ok: false,
      code: "entra-error",
      message: "Microsoft refused the sign-in: AADSTS65004: User declined to consent.",
    });
    expect(await complete(begun.flowCookie, { state: state!, error: "access_denied" })).toMatchObject({
      message: "Microsoft refused the sign-in: access_denied",
    });
    expect(await db.adminUser.count({ where: { entraObjectId: oscar.id, lastLoginAt: lastLogin } })).toBe(0);

    // The genuine callback still works inside the ten minutes; its code is single-use.
    const good = await complete(begun.flowCookie, query);
    expect(good).toMatchObject({ ok: true, next: "/audit", role: "Operator" });
    expect(await db.adminUser.count({ where: { entraObjectId: oscar.id, lastLoginAt: lastLogin } })).toBe(1);
    const replay = await complete(begun.flowCookie, query);
    expect(replay).toMatchObject({ ok: false, code: "invalid_grant", message: "The sign-in could not be completed (invalid_grant). Start again." });

    const reasons = (await failures()).filter((f) => f.detail.address === "198.51.100.250").map((f) => [f.actor, f.detail.reason]);
    expect(reasons).toEqual([
      ["unknown", "no-flow"],
      ["unknown", "no-flow"],
      ["unknown", "no-flow"],
      ["unknown", "no-flow"],
      ["unknown", "state-mismatch"],
      ["unknown", "state-mismatch"],
      ["unknown", "state-mismatch"],
      ["unknown", "invalid-callback"],
      ["unknown", "invalid-callback"],
      ["unknown", "entra-error"],
      ["unknown", "entra-error"],
      ["unknown", "invalid_grant"],
    ]);
  });

  it("keeps 300 characters of a refusal's message in the audit log", async () => {
    const begunAt = Date.now();
    const begun = await beginEntraSignIn(settings, { origin: ORIGIN, next: "/", now: begunAt });
    const { state } = JSON.parse(openSecret(begun.flowCookie)) as { state: string };
    const description = `AADSTS50105: ${"x".repeat(1900)}`;
    const result = await completeEntraSignIn(db, settings, {
      flowCookie: begun.flowCookie,
      query: { state, error: "access_denied", error_description: description },
      clientAddress: "198.51.100.253",
      now: new Date(begunAt),
    });
    expect(result).toEqual({ ok: false, code: "entra-error", message: `Microsoft refused the sign-in: ${description}` });
    const logged = (await failures()).find((f) => f.detail.address === "198.51.100.253")!;
    expect(logged.detail.message).toBe(`Microsoft refused the sign-in: ${description}`.slice(0, 300));
  });

  it("refuses a user of a tenant other than the configured one, naming the user in the audit log", async () => {
    // The tenant by its domain name: the simulator serves the same authority, but the token's tid is not "fabrikam…".
    const byDomain = { ...settings, tenant: "fabrikam.onmicrosoft.com" };
    const result = await signIn(gus, { settings: byDomain });
    expect(result).toEqual({ ok: false, code: "tenant-not-allowed", message: "Accounts of your organisation may not sign in to this JoinScope." });
    expect((await failures()).at(-1)).toMatchObject({ actor: "unknown", detail: { reason: "tenant-not-allowed" } });
  });
});

describe("verifyIdToken", () => {
  const NONCE = "n".repeat(32);
  let token: string;
  let issuedAt: Date;
  beforeAll(async () => {
    token = await idTokenFor(hana, NONCE);
    issuedAt = new Date((claimsOf(token).iat as number) * 1000);
  });
  const verifyAt = (t: string, at = issuedAt, s = settings, nonce = NONCE) => verifyIdToken(s, t, nonce, at);
  const reason = async (promise: Promise<unknown>) =>
    promise.then(
      () => "accepted",
      (e: { code: string; message: string }) => `${e.code}: ${/\((.*)\)/.exec(e.message)?.[1] ?? e.message}`,
    );

  it("accepts the simulator's token and returns its claims, ids in lower case", async () => {
    const claims = await verifyAt(token);
    expect(claims).toMatchObject({
      aud: SIGN_IN_APP_ID,
      nonce: NONCE,
      tid: tenantId.toLowerCase(),
      oid: hana.id,
      preferred_username: "hana.helpdesk@fabrikam.onmicrosoft.com",
    });
    expect(claims.groups).toEqual([HELPDESK_GROUP_ID]);
  });

  it("allows five minutes of clock skew on both sides of the token's lifetime, and not a second more", async () => {
    const { exp, nbf } = claimsOf(token) as { exp: number; nbf?: number };
    expect(await reason(verifyAt(token, new Date((exp + 300) * 1000)))).toBe("accepted");
    expect(await reason(verifyAt(token, new Date((exp + 301) * 1000)))).toBe("invalid-id-token: expired");
    const notBefore = nbf ?? (claimsOf(token).iat as number);
    if (nbf !== undefined) {
      expect(await reason(verifyAt(token, new Date((notBefore - 300) * 1000)))).toBe("accepted");
      expect(await reason(verifyAt(token, new Date((notBefore - 301) * 1000)))).toBe("invalid-id-token: expired");
    }
  });

  it("refuses another nonce, another audience and another tenant", async () => {
    expect(await reason(verifyAt(token, issuedAt, settings, "m".repeat(32)))).toBe("invalid-id-token: nonce");
    expect(await reason(verifyAt(token, issuedAt, settings, NONCE.slice(1)))).toBe("invalid-id-token: nonce");
    expect(await reason(verifyAt(token, issuedAt, { ...settings, clientId: "5a1c0de5-0000-4000-8000-00000000a002" }))).toBe("invalid-id-token: audience");
    expect(await reason(verifyAt(token, issuedAt, { ...settings, tenant: "fabrikam.onmicrosoft.com" }))).toBe(
      "tenant-not-allowed: Accounts of your organisation may not sign in to this JoinScope.",
    );
  });

  it("says so when the authority has no signing keys for the configured tenant", async () => {
    const unknownTenant = { ...settings, tenant: "0badc0de-0000-4000-8000-000000000000" };
    await expect(verifyAt(token, issuedAt, unknownTenant)).rejects.toMatchObject({
      code: "metadata",
      message: expect.stringMatching(/^The sign-in service answered 4\d\d for its metadata$/),
    });
  });

  it("refuses a token that is not three parts, not JSON, not RS256, altered, or signed by a key the authority does not publish", async () => {
    const [h, p, s] = partsOf(token);
    const header = JSON.parse(Buffer.from(h, "base64url").toString()) as Record<string, unknown>;
    expect(await reason(verifyAt(`${h}.${p}`))).toBe("invalid-id-token: not a signed token");
    expect(await reason(verifyAt(`${token}.x`))).toBe("invalid-id-token: not a signed token");
    expect(await reason(verifyAt(`not-json.${p}.${s}`))).toBe("invalid-id-token: not a signed token");
    expect(await reason(verifyAt(`${h}.not-json.${s}`))).toBe("invalid-id-token: not a signed token");
    expect(await reason(verifyAt(`${b64({ ...header, alg: "none" })}.${p}.${s}`))).toBe("invalid-id-token: unexpected signing algorithm");
    expect(await reason(verifyAt(`${b64({ ...header, alg: "HS256" })}.${p}.${s}`))).toBe("invalid-id-token: unexpected signing algorithm");
    expect(await reason(verifyAt(`${b64({ alg: "RS256" })}.${p}.${s}`))).toBe("invalid-id-token: unexpected signing algorithm");
    expect(await reason(verifyAt(`${b64({ ...header, kid: 7 })}.${p}.${s}`))).toBe("invalid-id-token: unexpected signing algorithm");
    const altered = b64({ ...claimsOf(token), preferred_username: "ada.admin@fabrikam.onmicrosoft.com" });
    expect(await reason(verifyAt(`${h}.${altered}.${s}`))).toBe("invalid-id-token: signature");
    expect(await reason(verifyAt(`${b64({ ...header, kid: "no-such-key" })}.${p}.${s}`))).toBe("invalid-id-token: signature");
  });
});

describe("what the login page and sign-out use", () => {
  it("says each failure in its own words, and a generic sentence for any other code", () => {
    expect(signInErrorMessage("no-flow")).toBe("That sign-in was not started in this browser, or took longer than ten minutes. Start again.");
    expect(signInErrorMessage("state-mismatch")).toBe("That sign-in answer does not belong to the sign-in started in this browser. Start again.");
    expect(signInErrorMessage("entra-error")).toBe("Microsoft did not complete the sign-in. Start again, or ask your Entra ID admin.");
    expect(signInErrorMessage("invalid-id-token")).toBe("Microsoft's answer could not be verified. Start again.");
    expect(signInErrorMessage("tenant-not-allowed")).toBe("Accounts of your organisation may not sign in to this JoinScope.");
    expect(signInErrorMessage("email-taken")).toBe(
      "A local JoinScope account already uses your email address and is not linked to your Microsoft account. Ask a JoinScope admin.",
    );
    expect(signInErrorMessage("disabled")).toBe("Your JoinScope account is disabled. Ask a JoinScope admin.");
    // The code comes from the login page's query (`/login?error=…`): names of Object.prototype's members included, which
    // once gave the page a function or an object to render (`?error=__proto__` threw while rendering).
    for (const other of ["<script>", "invalid_grant", "", "toString", "constructor", "__proto__", "hasOwnProperty"])
      expect(signInErrorMessage(other)).toBe("Sign-in with Microsoft could not be completed. Start again.");
  });

  it("signs out of Entra ID at the authority's logout endpoint and comes back", () => {
    const url = new URL(endSessionUrl(settings, "https://joinscope.contoso.test/login?signed-out=1"));
    expect(url.origin + url.pathname).toBe(`https://${sim.authorityHost}/${tenantId}/oauth2/v2.0/logout`);
    expect([...url.searchParams]).toEqual([["post_logout_redirect_uri", "https://joinscope.contoso.test/login?signed-out=1"]]);
  });
});

describe("the flow cookie and the callback's query, at their bounds", () => {
  it("is the HttpOnly cookie the /auth routes share, named as they read it", () => {
    expect(FLOW_COOKIE).toBe("joinscope_oidc");
    expect(FLOW_COOKIE_PATH).toBe("/auth");
  });

  it("accepts a flow cookie only when every field is within its bounds", async () => {
    const begunAt = Date.now();
    const begun = await beginEntraSignIn(settings, { origin: ORIGIN, next: "/", now: begunAt });
    const flow = JSON.parse(openSecret(begun.flowCookie)) as Record<string, unknown>;
    expect(Object.keys(flow).sort()).toEqual(["expiresAt", "next", "nonce", "redirectUri", "state", "verifier"]);
    expect(flow.expiresAt).toBe(begunAt + 600_000);
    const codeOf = (f: Record<string, unknown>) =>
      completeEntraSignIn(db, settings, {
        flowCookie: sealSecret(JSON.stringify(f)),
        query: { state: String(f.state) },
        clientAddress: "198.51.100.251",
        now: new Date(begunAt),
      }).then((r) => (r.ok ? "ok" : r.code));
    // Within bounds the flow is read and the callback fails later, for want of a code.
    const within = [
      flow,
      { ...flow, state: "s".repeat(20), nonce: "n".repeat(20), verifier: "v".repeat(43) },
      { ...flow, state: "s".repeat(100), nonce: "n".repeat(100), verifier: "v".repeat(128), next: "/".repeat(2000) },
    ];
    for (const f of within) expect(await codeOf(f)).toBe("invalid-callback");
    const outside = [
      { ...flow, state: "s".repeat(19) },
      { ...flow, state: "s".repeat(101) },
      { ...flow, nonce: "n".repeat(19) },
      { ...flow, nonce: "n".repeat(101) },
      { ...flow, verifier: "v".repeat(42) },
      { ...flow, verifier: "v".repeat(129) },
      { ...flow, redirectUri: "not a URL" },
      { ...flow, next: "/".repeat(2001) },
      { ...flow, expiresAt: String(flow.expiresAt) },
      { ...flow, expiresAt: begunAt - 1 },
    ];
    for (const f of outside) expect(await codeOf(f), JSON.stringify(f).slice(0, 120)).toBe("no-flow");
    // Expiry is inclusive: a flow is good up to its expiresAt.
    expect(await codeOf({ ...flow, expiresAt: begunAt })).toBe("invalid-callback");
  });

  it("reads a callback query only within its bounds", async () => {
    const begunAt = Date.now();
    const begun = await beginEntraSignIn(settings, { origin: ORIGIN, next: "/", now: begunAt });
    const { state } = JSON.parse(openSecret(begun.flowCookie)) as { state: string };
    const codeOf = (query: Record<string, string>) =>
      completeEntraSignIn(db, settings, { flowCookie: begun.flowCookie, query, clientAddress: "198.51.100.252", now: new Date(begunAt) }).then((r) =>
        r.ok ? "ok" : r.code,
      );
    expect(await codeOf({ state, code: "" })).toBe("invalid-callback");
    expect(await codeOf({ state: "s".repeat(201) })).toBe("invalid-callback");
    expect(await codeOf({ state, error: "e".repeat(200) })).toBe("entra-error");
    expect(await codeOf({ state, error: "e".repeat(201) })).toBe("invalid-callback");
    expect(await codeOf({ state, error: "x", error_description: "d".repeat(2000) })).toBe("entra-error");
    expect(await codeOf({ state, error: "x", error_description: "d".repeat(2001) })).toBe("invalid-callback");
    // A code of 4,096 characters is read (and refused by the token endpoint), one more is not read at all.
    expect(await codeOf({ state, code: "c".repeat(4096) })).not.toBe("invalid-callback");
    expect(await codeOf({ state, code: "c".repeat(4097) })).toBe("invalid-callback");
  });
});

describe("entraSettings", () => {
  const keys = [
    "JOINSCOPE_ENTRA_CLIENT_ID",
    "JOINSCOPE_ENTRA_CLIENT_SECRET",
    "JOINSCOPE_ENTRA_TENANT_ID",
    "JOINSCOPE_ENTRA_ALLOWED_TENANTS",
    "JOINSCOPE_ENTRA_AUTHORITY_HOST",
    "JOINSCOPE_ENTRA_GROUP_ROLES",
    "JOINSCOPE_ENTRA_REDIRECT_URI",
  ] as const;
  /** The configuration as lib/config parsed it, changed for one call and put back. */
  function withConfig<T>(values: Partial<Record<(typeof keys)[number], unknown>>, run: () => T): T {
    const mutable = config as unknown as Record<string, unknown>;
    const saved = Object.fromEntries(keys.map((k) => [k, mutable[k]]));
    Object.assign(mutable, values);
    try {
      return run();
    } finally {
      Object.assign(mutable, saved);
    }
  }
  const app = {
    JOINSCOPE_ENTRA_CLIENT_ID: SIGN_IN_APP_ID,
    JOINSCOPE_ENTRA_CLIENT_SECRET: "secret",
    JOINSCOPE_ENTRA_TENANT_ID: "organizations",
    JOINSCOPE_ENTRA_ALLOWED_TENANTS: ["11111111-2222-4333-8444-555555555555"],
    JOINSCOPE_ENTRA_AUTHORITY_HOST: "login.microsoftonline.us",
    JOINSCOPE_ENTRA_GROUP_ROLES: `${OPERATORS_GROUP_ID.toUpperCase()}=Operator, ${HELPDESK_GROUP_ID}=Reader`,
    JOINSCOPE_ENTRA_REDIRECT_URI: "https://joinscope.contoso.test/auth/callback",
  };

  it("is null unless the client id, its secret and the tenant are all set", () => {
    expect(withConfig({ ...app, JOINSCOPE_ENTRA_CLIENT_ID: undefined }, entraSettings)).toBeNull();
    expect(withConfig({ ...app, JOINSCOPE_ENTRA_CLIENT_SECRET: undefined }, entraSettings)).toBeNull();
    expect(withConfig({ ...app, JOINSCOPE_ENTRA_TENANT_ID: undefined }, entraSettings)).toBeNull();
  });

  it("reads the app registration from the configuration, group ids in lower case", () => {
    expect(withConfig(app, entraSettings)).toEqual({
      clientId: SIGN_IN_APP_ID,
      clientSecret: "secret",
      tenant: "organizations",
      allowedTenants: ["11111111-2222-4333-8444-555555555555"],
      authorityHost: "login.microsoftonline.us",
      groupRoles: new Map([
        [OPERATORS_GROUP_ID.toLowerCase(), "Operator"],
        [HELPDESK_GROUP_ID.toLowerCase(), "Reader"],
      ]),
      redirectUri: "https://joinscope.contoso.test/auth/callback",
    });
  });

  it("throws on a group map it cannot read, naming the variable", () => {
    expect(() => withConfig({ ...app, JOINSCOPE_ENTRA_GROUP_ROLES: "not-a-group=Operator" }, entraSettings)).toThrow(/^JOINSCOPE_ENTRA_GROUP_ROLES: /);
  });
});
