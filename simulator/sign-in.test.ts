/**
 * The simulator's interactive sign-in (login/authorize.ts): the authorize form, the code it issues, the token
 * endpoint's authorization_code grant with PKCE, and the ID token it signs with the published key.
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimTenant } from "./create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "./server";
import { createSignInApp, SIGN_IN_APP_ID, SIGN_IN_APP_SECRET } from "./sign-in-app";
import { createCaFetch, type FetchLike } from "./testing/ca-fetch";

const APP = "http://app.test:3000";
const REDIRECT = `${APP}/auth/callback`;
const VERIFIER = "v".repeat(43) + "0123456789";
const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");

let sim: SimulatorHandle;
let fetchCa: FetchLike;
let tenantId: string;
const signIn = createSignInApp({ appOrigin: APP, domain: "fabrikam.onmicrosoft.com" });

beforeAll(async () => {
  const { tenant } = createSimTenant({ seed: 7, deviceCount: 1, tenantName: "Fabrikam" });
  tenantId = tenant.tenantId;
  sim = await startSimulator({ tenants: [{ ...tenant, extraApps: [signIn.app], users: signIn.users }] });
  fetchCa = createCaFetch(sim.caPem);
});
afterAll(async () => {
  await sim.close();
});

function authorizeUrl(overrides: Record<string, string> = {}) {
  const url = new URL(`${sim.url}/${tenantId}/oauth2/v2.0/authorize`);
  const params = {
    client_id: SIGN_IN_APP_ID,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "openid profile",
    state: "st-1",
    nonce: "n-1",
    code_challenge: CHALLENGE,
    code_challenge_method: "S256",
    ...overrides,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

async function codeFor(userIndex: number): Promise<URL> {
  const url = authorizeUrl();
  const body = new URLSearchParams([...url.searchParams, ["user", signIn.users[userIndex]!.id]]);
  const response = await fetchCa(url.origin + url.pathname, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: body.toString(),
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

const redeem = (code: string, verifier = VERIFIER, redirectUri = REDIRECT) =>
  fetchCa(`${sim.url}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: SIGN_IN_APP_ID,
      client_secret: SIGN_IN_APP_SECRET,
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      scope: "openid profile offline_access",
    }).toString(),
  });

describe("simulated interactive sign-in", () => {
  it("lists the tenant's users with their app roles, and refuses an unregistered redirect URI without redirecting", async () => {
    const form = await fetchCa(authorizeUrl().toString());
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain("Pick an account");
    expect(html).toContain("rita.reader@fabrikam.onmicrosoft.com");
    expect(html).toContain("JoinScope.Operator");
    const wrong = await fetchCa(authorizeUrl({ redirect_uri: "http://evil.test/cb" }).toString());
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get("location")).toBeNull();
    expect(await wrong.text()).toContain("AADSTS50011");
  });

  it("redirects with a code and the state; the code, redeemed with the PKCE verifier, gives a signed ID token with roles and nonce", async () => {
    const back = await codeFor(1);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe("st-1");
    const response = await redeem(back.searchParams.get("code")!);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { id_token: string; client_info: string };
    const [h, p, s] = tokens.id_token.split(".") as [string, string, string];
    const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { kid: string; alg: string };
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({
      aud: SIGN_IN_APP_ID,
      iss: `${sim.url}/${tenantId}/v2.0`,
      nonce: "n-1",
      tid: tenantId,
      roles: ["JoinScope.Operator"],
      preferred_username: "oscar.operator@fabrikam.onmicrosoft.com",
      ver: "2.0",
    });
    const jwks = (await (await fetchCa(`${sim.url}/${tenantId}/discovery/v2.0/keys`)).json()) as { keys: { kid: string }[] };
    const jwk = jwks.keys.find((k) => k.kid === header.kid)!;
    expect(header.alg).toBe("RS256");
    expect(verify("sha256", Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk as never, format: "jwk" }), Buffer.from(s, "base64url"))).toBe(true);
  });

  it("refuses a wrong verifier, a second redemption and another redirect URI", async () => {
    const first = (await codeFor(0)).searchParams.get("code")!;
    const wrongVerifier = await redeem(first, "w".repeat(50));
    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toMatchObject({ error: "invalid_grant", error_codes: [501481] });
    // A code is single-use, even after a failed attempt.
    expect(((await (await redeem(first)).json()) as { error_codes: number[] }).error_codes).toEqual([70000]);
    const second = (await codeFor(0)).searchParams.get("code")!;
    expect(((await (await redeem(second, VERIFIER, `${APP}/other`)).json()) as { error_codes: number[] }).error_codes).toEqual([50011]);
  });

  it("gives a user without an app role no roles claim, and a group member the groups claim", async () => {
    const none = (await (await redeem((await codeFor(3)).searchParams.get("code")!)).json()) as { id_token: string };
    expect(JSON.parse(Buffer.from(none.id_token.split(".")[1]!, "base64url").toString())).not.toHaveProperty("roles");
    const group = (await (await redeem((await codeFor(4)).searchParams.get("code")!)).json()) as { id_token: string };
    expect(JSON.parse(Buffer.from(group.id_token.split(".")[1]!, "base64url").toString()).groups).toEqual([signIn.users[4]!.groups![0]]);
  });
});
