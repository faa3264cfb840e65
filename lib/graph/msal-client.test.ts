import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAppCertificate, type AppCertificate } from "@/simulator/certificates";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimTenant, type SimulatorHandle } from "@/simulator/server";
import { acquireGraphToken, explainAuthError, getConfidentialClient, type TenantAppConfig } from "./msal-client";

const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT_ID = "0b8f6c1e-5a2d-4e7b-9c3f-1d2e3f4a5b6c";
const GLOBAL = { authorityHost: "login.microsoftonline.com", graphBaseUrl: "https://graph.microsoft.com" };
const APP = { tenantId: TENANT_ID, clientId: CLIENT_ID, cloud: GLOBAL };

/** An MSAL Node ServerError as Entra's token endpoint produces it: the code, then AADSTS text with CRLF-separated trace lines. */
function entraError(errorCode: string, aadsts: number, description: string) {
  return {
    errorCode,
    errorMessage: `AADSTS${aadsts}: ${description}\r\nTrace ID: 0f4a0f3b-1c2d-4e5f-8a9b-0c1d2e3f4a5b\r\nCorrelation ID: 6d7e8f90-a1b2-4c3d-9e8f-7a6b5c4d3e2f\r\nTimestamp: 2026-12-07 09:14:03Z`,
    subError: "",
  };
}

describe("explainAuthError: Entra's AADSTS codes in an admin's words", () => {
  it("names each known code with its own advice and keeps the AADSTS code", () => {
    const cases: [number, string, string][] = [
      [7000215, "invalid-secret", "The client secret is wrong. Copy the secret's Value (not its ID) from the app registration's Certificates & secrets page."],
      [7000222, "invalid-secret", "The client secret has expired. Create a new one in the app registration and update it here."],
      [700027, "invalid-certificate", "Entra ID rejected the certificate: upload its public part to the app registration, or check that it has not expired."],
      [700024, "invalid-certificate", "Entra ID rejected the certificate: upload its public part to the app registration, or check that it has not expired."],
      [90002, "tenant-not-found", `Tenant ${TENANT_ID} was not found in this cloud. Check the tenant id and the cloud.`],
      [900023, "tenant-not-found", `Tenant ${TENANT_ID} was not found in this cloud. Check the tenant id and the cloud.`],
      [
        700016,
        "app-not-found",
        `No application with client id ${CLIENT_ID} exists in tenant ${TENANT_ID}. Check the client id, and that the app is registered (or consented) in this tenant.`,
      ],
    ];
    for (const [code, kind, message] of cases) {
      expect(explainAuthError(entraError("invalid_client", code, "Entra's own words."), APP), `AADSTS${code}`).toEqual({
        code: kind,
        aadsts: `AADSTS${code}`,
        message,
      });
    }
  });

  it("finds the code in MSAL's errorCode, in errorMessage, or in a plain Error's message", () => {
    expect(explainAuthError({ errorCode: "AADSTS7000222", errorMessage: "" }, APP).code).toBe("invalid-secret");
    expect(explainAuthError(new Error("AADSTS700016: Application not found in the directory"), APP)).toMatchObject({
      code: "app-not-found",
      aadsts: "AADSTS700016",
    });
    // errorMessage wins over message when both are there (MSAL's ServerError has both).
    expect(explainAuthError({ errorMessage: "AADSTS90002: Tenant not found.", message: "AADSTS700016: App not found." }, APP).code).toBe("tenant-not-found");
  });

  it("reads the whole number: a longer or shorter code is not a known one", () => {
    // AADSTS7000215 without its last digit is another code (700021: client assertion audience), not the wrong secret.
    const shorter = explainAuthError(entraError("invalid_client", 700021, "Client assertion application identifier doesn't match."), APP);
    expect(shorter).toEqual({
      code: "auth-failed",
      aadsts: "AADSTS700021",
      message: "Sign-in as the app failed: AADSTS700021: Client assertion application identifier doesn't match.",
    });
    expect(explainAuthError(entraError("invalid_request", 70002150, "Something else."), APP)).toMatchObject({ code: "auth-failed", aadsts: "AADSTS70002150" });
  });

  it("reads MSAL's endpoints_resolution_error as an unknown tenant or an unreachable authority", () => {
    const failure = explainAuthError(
      { errorCode: "endpoints_resolution_error", errorMessage: "Endpoints cannot be resolved: network error" },
      { ...APP, cloud: { authorityHost: "login.microsoftonline.us", graphBaseUrl: "https://graph.microsoft.us" } },
    );
    expect(failure).toEqual({
      code: "tenant-not-found",
      message: `Tenant ${TENANT_ID} was not found at login.microsoftonline.us (or the host could not be reached). Check the tenant id and the cloud.`,
    });
  });

  it("calls network and TLS failures unreachable, with the first line of the error only", () => {
    const texts = [
      "getaddrinfo ENOTFOUND login.microsoftonline.com",
      "connect ECONNREFUSED 127.0.0.1:443",
      "read ECONNRESET",
      "connect ETIMEDOUT 20.190.160.1:443",
      "Network request failed",
      "unable to get local issuer certificate",
      "self-signed certificate in certificate chain",
      "self signed certificate",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    ];
    for (const text of texts) {
      expect(explainAuthError(new Error(`${text}\nat TLSSocket.onConnectSecure`), APP), text).toEqual({
        code: "unreachable",
        message: `Could not reach login.microsoftonline.com: ${text}`,
      });
    }
    expect(explainAuthError({ errorCode: "network_error", errorMessage: "Network request failed\r\nstack" }, APP).message).toBe(
      "Could not reach login.microsoftonline.com: Network request failed",
    );
    // The pattern is searched in the error code too: MSAL's code says network, its message need not.
    expect(explainAuthError({ errorCode: "network_error", errorMessage: "" }, APP)).toEqual({
      code: "unreachable",
      message: "Could not reach login.microsoftonline.com: ",
    });
    expect(explainAuthError({ errorCode: "ECONNREFUSED" }, APP)).toEqual({
      code: "unreachable",
      message: "Could not reach login.microsoftonline.com: network error",
    });
  });

  it("falls back to the first line of Entra's own words for any other failure", () => {
    expect(explainAuthError(entraError("unauthorized_client", 7000112, "Application is disabled."), APP)).toEqual({
      code: "auth-failed",
      aadsts: "AADSTS7000112",
      message: "Sign-in as the app failed: AADSTS7000112: Application is disabled.",
    });
    expect(explainAuthError({ errorCode: "invalid_grant" }, APP)).toEqual({
      code: "auth-failed",
      aadsts: undefined,
      message: "Sign-in as the app failed: unknown error",
    });
    expect(explainAuthError({}, APP)).toEqual({ code: "auth-failed", aadsts: undefined, message: "Sign-in as the app failed: unknown error" });
    expect(explainAuthError(new Error("Token request returned an empty body\nsecond line"), APP).message).toBe(
      "Sign-in as the app failed: Token request returned an empty body",
    );
  });
});

describe("getConfidentialClient: one MSAL client per tenant, app and credential", () => {
  const secret = (clientSecret: string, over: Partial<TenantAppConfig> = {}): TenantAppConfig => ({
    ...APP,
    credential: { kind: "secret", clientSecret },
    ...over,
  });

  it("hands back the same client for the same credential, and a new one for a rotated secret", () => {
    const first = getConfidentialClient(secret("Xq48Q~first.secret"));
    expect(getConfidentialClient(secret("Xq48Q~first.secret"))).toBe(first);
    const rotated = getConfidentialClient(secret("Xq48Q~second.secret"));
    expect(rotated).not.toBe(first);
    expect(getConfidentialClient(secret("Xq48Q~second.secret"))).toBe(rotated);
    // The old client was dropped at the rotation: going back to the old secret builds another.
    expect(getConfidentialClient(secret("Xq48Q~first.secret"))).not.toBe(first);
  });

  it("keeps other tenants', apps' and clouds' clients when one app's secret rotates", () => {
    const otherTenant = getConfidentialClient(secret("s1", { tenantId: "11111111-2222-3333-4444-555555555555" }));
    const otherApp = getConfidentialClient(secret("s1", { clientId: "99999999-8888-7777-6666-555555555555" }));
    const otherCloud = getConfidentialClient(
      secret("s1", { cloud: { authorityHost: "login.microsoftonline.us", graphBaseUrl: "https://graph.microsoft.us" } }),
    );
    const mine = getConfidentialClient(secret("s1"));
    expect(new Set([otherTenant, otherApp, otherCloud, mine]).size).toBe(4);
    getConfidentialClient(secret("s2"));
    expect(getConfidentialClient(secret("s1", { tenantId: "11111111-2222-3333-4444-555555555555" }))).toBe(otherTenant);
    expect(getConfidentialClient(secret("s1", { clientId: "99999999-8888-7777-6666-555555555555" }))).toBe(otherApp);
    expect(getConfidentialClient(secret("s1", { cloud: { authorityHost: "login.microsoftonline.us", graphBaseUrl: "https://graph.microsoft.us" } }))).toBe(
      otherCloud,
    );
  });
});

describe("acquireGraphToken against the simulated Entra ID", () => {
  const CERT_APP = "3f0c7c5e-9d43-4a5e-9d0e-5b1f7e0a0002";
  let sim: SimulatorHandle;
  let tenant: SimTenant;
  let appCert: AppCertificate;
  const app = (over: Partial<TenantAppConfig> = {}): TenantAppConfig => ({
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    credential: { kind: "secret", clientSecret: tenant.clientSecret! },
    cloud: { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl },
    ...over,
  });
  const claims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

  beforeAll(async () => {
    appCert = await generateAppCertificate();
    ({ tenant } = createSimTenant({ seed: 31, deviceCount: 5, includeReports: false }));
    tenant = { ...tenant, extraApps: [{ clientId: CERT_APP, permissions: ["Device.Read.All"], certificates: [appCert.certPem] }] };
    sim = await startSimulator({ tenants: [tenant] });
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
  });

  it("signs in with the secret for the Graph host's scope, and serves the cached token until asked for a fresh one", async () => {
    const first = await acquireGraphToken(app());
    if (!first.ok) throw new Error(first.error.message);
    expect(claims(first.accessToken)).toMatchObject({ tid: tenant.tenantId, appid: tenant.clientId, appidacr: "1" });
    expect(first.expiresOn!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const cached = await acquireGraphToken(app());
    expect(cached.ok && cached.accessToken).toBe(first.accessToken);
    const tokenCalls = () => sim.requestLog.filter((e) => e.method === "POST" && e.path.split("?")[0]!.endsWith("/oauth2/v2.0/token")).length;
    const before = tokenCalls();
    const fresh = await acquireGraphToken(app(), { fresh: true });
    expect(fresh.ok).toBe(true);
    expect(tokenCalls()).toBe(before + 1);
    await acquireGraphToken(app(), { fresh: false });
    expect(tokenCalls()).toBe(before + 1);
  });

  it("signs in with a certificate: the assertion carries the certificate's SHA-256 thumbprint", async () => {
    const result = await acquireGraphToken(
      app({ clientId: CERT_APP, credential: { kind: "certificate", privateKeyPem: appCert.privateKeyPem, certificatePem: appCert.certPem } }),
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(claims(result.accessToken)).toMatchObject({ appid: CERT_APP, appidacr: "2" });
  });

  it("answers a wrong secret, an unregistered certificate and an unknown tenant in words, not exceptions", async () => {
    expect(await acquireGraphToken(app({ credential: { kind: "secret", clientSecret: "wrong~secret" } }))).toMatchObject({
      ok: false,
      error: { code: "invalid-secret", aadsts: "AADSTS7000215" },
    });
    const other = await generateAppCertificate();
    expect(
      await acquireGraphToken(
        app({ clientId: CERT_APP, credential: { kind: "certificate", privateKeyPem: other.privateKeyPem, certificatePem: other.certPem } }),
      ),
    ).toMatchObject({ ok: false, error: { code: "invalid-certificate", aadsts: "AADSTS700027" } });
    const unknown = await acquireGraphToken(app({ tenantId: "00000000-0000-0000-0000-00000000dead" }));
    expect(unknown).toMatchObject({ ok: false, error: { code: "tenant-not-found" } });
  });
});
