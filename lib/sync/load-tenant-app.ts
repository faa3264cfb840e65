import "server-only";
import { openSecret } from "@/lib/crypto/secret-box";
import type { Db } from "@/lib/db/client";
import { checkCloudHosts, resolveCloud } from "@/lib/graph/clouds";
import type { TenantAppConfig } from "@/lib/graph/msal-client";

export type LoadTenantAppResult =
  | { ok: true; app: TenantAppConfig; tenant: { id: string; name: string; tenantId: string; deltaLink: string | null } }
  | { ok: false; error: { code: "not-found" | "no-credentials" | "bad-credentials" | "cloud-not-allowed"; message: string } };

/** Reads a tenant's app registration and decrypts its credential, for the sync and "Test connection". */
export async function loadTenantApp(db: Db, tenantRef: string): Promise<LoadTenantAppResult> {
  const t = await db.tenant.findUnique({
    where: { id: tenantRef },
    select: {
      id: true,
      name: true,
      tenantId: true,
      cloud: true,
      authorityHost: true,
      graphBaseUrl: true,
      clientId: true,
      credentialType: true,
      credentialCiphertext: true,
      certificatePem: true,
      deltaLink: true,
    },
  });
  if (!t) return { ok: false, error: { code: "not-found", message: "No such tenant" } };
  if (!t.clientId || !t.credentialType || !t.credentialCiphertext) {
    return {
      ok: false,
      error: { code: "no-credentials", message: `${t.name} has no app registration yet: add the client id and a secret or certificate in Settings → Tenants.` },
    };
  }
  let secret: string;
  try {
    secret = openSecret(t.credentialCiphertext);
  } catch {
    return {
      ok: false,
      error: {
        code: "bad-credentials",
        message: `The stored credential for ${t.name} cannot be decrypted (was JOINSCOPE_SECRET_KEY changed?). Enter it again.`,
      },
    };
  }
  const cloud = resolveCloud(t.cloud, { authorityHost: t.authorityHost, graphBaseUrl: t.graphBaseUrl });
  // Before any connection: a row saved before JOINSCOPE_ALLOWED_CLOUD_HOSTS existed, or since taken off it.
  const hosts = checkCloudHosts(cloud);
  if (!hosts.ok) return { ok: false, error: { code: "cloud-not-allowed", message: `${t.name}: ${hosts.message}. Nothing was sent to it.` } };
  const credential =
    t.credentialType === "certificate"
      ? { kind: "certificate" as const, privateKeyPem: secret, certificatePem: t.certificatePem ?? "" }
      : { kind: "secret" as const, clientSecret: secret };
  return {
    ok: true,
    app: { tenantId: t.tenantId, clientId: t.clientId, credential, cloud },
    tenant: { id: t.id, name: t.name, tenantId: t.tenantId, deltaLink: t.deltaLink },
  };
}
