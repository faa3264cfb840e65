import "server-only";
import { createHash, X509Certificate } from "node:crypto";
import { ConfidentialClientApplication, LogLevel } from "@azure/msal-node";
import type { CloudEndpoints } from "./clouds";

/** What MSAL needs for app-only auth against one tenant. Secrets arrive decrypted, never logged. */
export type AppCredential = { kind: "secret"; clientSecret: string } | { kind: "certificate"; privateKeyPem: string; certificatePem: string };

export interface TenantAppConfig {
  tenantId: string;
  clientId: string;
  credential: AppCredential;
  cloud: CloudEndpoints;
}

const clients = new Map<string, ConfidentialClientApplication>();

/**
 * One ConfidentialClientApplication per (tenant, app, credential): MSAL's in-memory token cache then
 * serves every request until the token nears expiry. The map key holds a hash of the credential, so a
 * rotated secret gets a fresh client and the old one is dropped.
 */
export function getConfidentialClient(app: TenantAppConfig): ConfidentialClientApplication {
  const credentialHash = createHash("sha256")
    .update(app.credential.kind === "secret" ? app.credential.clientSecret : app.credential.privateKeyPem)
    .digest("hex")
    .slice(0, 16);
  const cacheKey = `${app.cloud.authorityHost}|${app.tenantId}|${app.clientId}|${credentialHash}`;
  const cached = clients.get(cacheKey);
  if (cached) return cached;
  for (const key of clients.keys()) {
    if (key.startsWith(`${app.cloud.authorityHost}|${app.tenantId}|${app.clientId}|`)) clients.delete(key);
  }
  const client = new ConfidentialClientApplication({
    auth: {
      clientId: app.clientId,
      authority: `https://${app.cloud.authorityHost}/${app.tenantId}`,
      // The authority host is trusted as configured: no instance discovery round trip to the global cloud.
      knownAuthorities: [app.cloud.authorityHost],
      ...(app.credential.kind === "secret"
        ? { clientSecret: app.credential.clientSecret }
        : {
            clientCertificate: {
              thumbprintSha256: new X509Certificate(app.credential.certificatePem).fingerprint256.replaceAll(":", ""),
              privateKey: app.credential.privateKeyPem,
              x5c: app.credential.certificatePem,
            },
          }),
    },
    system: {
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined },
    },
  });
  clients.set(cacheKey, client);
  return client;
}

export type TokenResult = { ok: true; accessToken: string; expiresOn: Date | null } | { ok: false; error: AuthFailure };

export interface AuthFailure {
  code: "invalid-secret" | "invalid-certificate" | "tenant-not-found" | "app-not-found" | "unreachable" | "auth-failed";
  /** Words an admin understands, with the AADSTS code when there is one. */
  message: string;
  aadsts?: string;
}

/**
 * An app-only token for Graph. `fresh`: ask Entra ID for a new one instead of MSAL's cached one, whose roles are the
 * permissions consented when it was issued (up to an hour ago): "Test connection" must see a consent just granted.
 */
export async function acquireGraphToken(app: TenantAppConfig, options: { fresh?: boolean } = {}): Promise<TokenResult> {
  try {
    const result = await getConfidentialClient(app).acquireTokenByClientCredential({
      scopes: [`${app.cloud.graphBaseUrl}/.default`],
      ...(options.fresh ? { skipCache: true } : {}),
    });
    if (!result?.accessToken) return { ok: false, error: { code: "auth-failed", message: "Entra ID returned no access token" } };
    return { ok: true, accessToken: result.accessToken, expiresOn: result.expiresOn ?? null };
  } catch (error) {
    return { ok: false, error: explainAuthError(error, app) };
  }
}

/** Maps MSAL/Entra errors to plain words (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). */
export function explainAuthError(error: unknown, app: Pick<TenantAppConfig, "tenantId" | "clientId" | "cloud">): AuthFailure {
  const e = error as { errorCode?: string; errorMessage?: string; message?: string; subError?: string };
  const text = `${e.errorCode ?? ""} ${e.errorMessage ?? e.message ?? ""}`;
  const aadsts = /AADSTS(\d+)/.exec(text)?.[0];
  switch (aadsts) {
    case "AADSTS7000215":
      return {
        code: "invalid-secret",
        aadsts,
        message: "The client secret is wrong. Copy the secret's Value (not its ID) from the app registration's Certificates & secrets page.",
      };
    case "AADSTS7000222":
      return { code: "invalid-secret", aadsts, message: "The client secret has expired. Create a new one in the app registration and update it here." };
    case "AADSTS700027":
    case "AADSTS700024":
      return {
        code: "invalid-certificate",
        aadsts,
        message: "Entra ID rejected the certificate: upload its public part to the app registration, or check that it has not expired.",
      };
    case "AADSTS90002":
    case "AADSTS900023":
      return { code: "tenant-not-found", aadsts, message: `Tenant ${app.tenantId} was not found in this cloud. Check the tenant id and the cloud.` };
    case "AADSTS700016":
      return {
        code: "app-not-found",
        aadsts,
        message: `No application with client id ${app.clientId} exists in tenant ${app.tenantId}. Check the client id, and that the app is registered (or consented) in this tenant.`,
      };
  }
  if (e.errorCode === "endpoints_resolution_error") {
    // MSAL could not read https://<host>/<tenant>/v2.0/.well-known/openid-configuration: Entra answers
    // 400 (AADSTS90002) there for a tenant that does not exist; an unreachable host fails the same way.
    return {
      code: "tenant-not-found",
      message: `Tenant ${app.tenantId} was not found at ${app.cloud.authorityHost} (or the host could not be reached). Check the tenant id and the cloud.`,
    };
  }
  // Entra's error descriptions end each line with CRLF: the first line, without its CR.
  if (/ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network|certificate|self.signed|UNABLE_TO_VERIFY/i.test(text)) {
    return {
      code: "unreachable",
      message: `Could not reach ${app.cloud.authorityHost}: ${(e.errorMessage ?? e.message ?? "network error").split(/\r?\n/)[0]}`,
    };
  }
  return { code: "auth-failed", aadsts, message: `Sign-in as the app failed: ${(e.errorMessage ?? e.message ?? "unknown error").split(/\r?\n/)[0]}` };
}
