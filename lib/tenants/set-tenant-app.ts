import "server-only";
import { X509Certificate } from "node:crypto";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { sealSecret } from "@/lib/crypto/secret-box";
import type { Db } from "@/lib/db/client";
import { checkCloudHosts, CLOUD_NAMES } from "@/lib/graph/clouds";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const SetTenantAppInput = z
  .object({
    tenantRef: z.string().min(1),
    cloud: z.enum(CLOUD_NAMES).default("global"),
    /** Only for cloud "custom" (the simulator, a test double): host[:port] and https base URL. */
    authorityHost: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "authority host is host[:port]")
      .optional(),
    graphBaseUrl: z.string().trim().url().startsWith("https://", "the Graph base URL must use https").optional(),
    clientId: z.string().trim().toLowerCase().regex(GUID, "The client id is the app registration's Application (client) ID, a GUID"),
    credential: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("secret"), clientSecret: z.string().trim().min(8, "Paste the client secret's Value").max(1024) }),
      z.object({
        kind: z.literal("certificate"),
        certificatePem: z.string().trim().includes("BEGIN CERTIFICATE", { message: "Paste the certificate as PEM (-----BEGIN CERTIFICATE-----)" }),
        privateKeyPem: z.string().trim().includes("PRIVATE KEY", { message: "Paste the private key as PEM (-----BEGIN PRIVATE KEY-----)" }),
      }),
    ]),
    actor: z.string().min(1),
  })
  .refine((v) => v.cloud !== "custom" || (v.authorityHost && v.graphBaseUrl), {
    message: "A custom cloud needs an authority host and a Graph base URL",
    path: ["cloud"],
  })
  // Only hosts the server may connect to (checked again before every sign-in, lib/sync/load-tenant-app.ts).
  .superRefine((v, ctx) => {
    if (v.cloud !== "custom" || !v.authorityHost || !v.graphBaseUrl) return;
    const hosts = checkCloudHosts({ authorityHost: v.authorityHost, graphBaseUrl: v.graphBaseUrl });
    if (!hosts.ok) ctx.addIssue({ code: "custom", message: hosts.message, path: [hosts.field] });
  });

export type SetTenantAppResult = { ok: true } | { ok: false; error: { code: "invalid-input" | "not-found"; message: string } };

/** Stores the app registration used for sync. The secret or private key is encrypted and never read back to the UI. */
export async function setTenantApp(db: Db, input: z.input<typeof SetTenantAppInput>): Promise<SetTenantAppResult> {
  const parsed = SetTenantAppInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  const v = parsed.data;
  let thumbprint: string | null = null;
  if (v.credential.kind === "certificate") {
    try {
      thumbprint = new X509Certificate(v.credential.certificatePem).fingerprint.replaceAll(":", "");
    } catch {
      return { ok: false, error: { code: "invalid-input", message: "The certificate could not be read: paste the full PEM block" } };
    }
  }
  const sealed = sealSecret(v.credential.kind === "secret" ? v.credential.clientSecret : v.credential.privateKeyPem);
  return db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: v.tenantRef }, select: { id: true, clientId: true } });
    if (!tenant) return { ok: false as const, error: { code: "not-found" as const, message: "No such tenant" } };
    await tx.tenant.update({
      where: { id: v.tenantRef },
      data: {
        cloud: v.cloud,
        authorityHost: v.cloud === "custom" ? v.authorityHost : null,
        graphBaseUrl: v.cloud === "custom" ? v.graphBaseUrl?.replace(/\/+$/, "") : null,
        clientId: v.clientId,
        credentialType: v.credential.kind,
        credentialCiphertext: sealed,
        certificatePem: v.credential.kind === "certificate" ? v.credential.certificatePem : null,
        certificateThumbprint: thumbprint,
        // A different app may see a different directory view: start over with a full sync.
        ...(tenant.clientId && tenant.clientId !== v.clientId ? { deltaLink: null } : {}),
      },
    });
    await writeAuditLog(tx, {
      actor: v.actor,
      action: "tenant.set-app",
      tenantRef: v.tenantRef,
      target: v.clientId,
      detail: { cloud: v.cloud, credentialType: v.credential.kind, certificateThumbprint: thumbprint },
    });
    return { ok: true as const };
  });
}
