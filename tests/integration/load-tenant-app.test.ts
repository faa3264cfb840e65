/**
 * loadTenantApp: what the sync and "Test connection" read of a tenant's app registration before they connect, and the
 * refusals an admin sees when the registration is missing, unreadable or points at a host nobody listed.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { loadTenantApp } from "@/lib/sync/load-tenant-app";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { generateAppCertificate } from "@/simulator/certificates";

const CLIENT_ID = "0f0e0d0c-0b0a-4909-8807-060504030201";

let seq = 0;
async function newTenant() {
  seq += 1;
  const tenantId = `6e2b8d4f-0000-4000-8000-${String(seq).padStart(12, "0")}`;
  const name = `Contoso ${seq}`;
  const created = await createTenant(db, { tenantId, name, actor: "test" });
  if (!created.ok) throw new Error(created.error.message);
  return { tenantRef: created.id, tenantId, name };
}

describe("loadTenantApp", () => {
  it("reads a secret registration on the global cloud, with the tenant's delta link", async () => {
    const { tenantRef, tenantId, name } = await newTenant();
    expect(
      await setTenantApp(db, {
        tenantRef,
        cloud: "global",
        clientId: CLIENT_ID,
        credential: { kind: "secret", clientSecret: "Xq48Q~k2V.secret-value" },
        actor: "test",
      }),
    ).toEqual({ ok: true });
    const deltaLink = "https://graph.microsoft.com/v1.0/devices/delta?$deltatoken=MzUyNjU0";
    await db.tenant.update({ where: { id: tenantRef }, data: { deltaLink } });
    expect(await loadTenantApp(db, tenantRef)).toEqual({
      ok: true,
      app: {
        tenantId,
        clientId: CLIENT_ID,
        credential: { kind: "secret", clientSecret: "Xq48Q~k2V.secret-value" },
        cloud: { authorityHost: "login.microsoftonline.com", graphBaseUrl: "https://graph.microsoft.com" },
      },
      tenant: { id: tenantRef, name, tenantId, deltaLink },
    });
  });

  it("reads a certificate registration: the decrypted private key and the stored certificate, on its custom hosts", async () => {
    const { tenantRef, tenantId, name } = await newTenant();
    const cert = await generateAppCertificate();
    expect(
      await setTenantApp(db, {
        tenantRef,
        cloud: "custom",
        authorityHost: "127.0.0.1:8443",
        graphBaseUrl: "https://127.0.0.1:8443/",
        clientId: CLIENT_ID,
        credential: { kind: "certificate", certificatePem: cert.certPem, privateKeyPem: cert.privateKeyPem },
        actor: "test",
      }),
    ).toEqual({ ok: true });
    const loaded = await loadTenantApp(db, tenantRef);
    expect(loaded).toEqual({
      ok: true,
      app: {
        tenantId,
        clientId: CLIENT_ID,
        credential: { kind: "certificate", privateKeyPem: cert.privateKeyPem.trim(), certificatePem: cert.certPem.trim() },
        cloud: { authorityHost: "127.0.0.1:8443", graphBaseUrl: "https://127.0.0.1:8443" },
      },
      tenant: { id: tenantRef, name, tenantId, deltaLink: null },
    });
    // A certificate row whose certificate went missing still loads, with an empty certificate MSAL then refuses.
    await db.tenant.update({ where: { id: tenantRef }, data: { certificatePem: null } });
    expect(await loadTenantApp(db, tenantRef)).toMatchObject({ ok: true, app: { credential: { kind: "certificate", certificatePem: "" } } });
  });

  it("refuses an unknown tenant", async () => {
    expect(await loadTenantApp(db, "c0ffee00-0000-4000-8000-000000000000")).toEqual({ ok: false, error: { code: "not-found", message: "No such tenant" } });
  });

  it("refuses a tenant without a client id, a credential type or a stored credential, naming the tenant and where to add it", async () => {
    const noApp = await newTenant();
    const expected = (name: string) => ({
      ok: false,
      error: { code: "no-credentials", message: `${name} has no app registration yet: add the client id and a secret or certificate in Settings → Tenants.` },
    });
    expect(await loadTenantApp(db, noApp.tenantRef)).toEqual(expected(noApp.name));
    for (const missing of ["clientId", "credentialType", "credentialCiphertext"] as const) {
      const { tenantRef, name } = await newTenant();
      await setTenantApp(db, { tenantRef, cloud: "global", clientId: CLIENT_ID, credential: { kind: "secret", clientSecret: "a-secret" }, actor: "test" });
      await db.tenant.update({ where: { id: tenantRef }, data: { [missing]: null } });
      expect(await loadTenantApp(db, tenantRef), missing).toEqual(expected(name));
    }
  });

  it("refuses a credential that cannot be decrypted (another JOINSCOPE_SECRET_KEY)", async () => {
    const { tenantRef, name } = await newTenant();
    await setTenantApp(db, { tenantRef, cloud: "global", clientId: CLIENT_ID, credential: { kind: "secret", clientSecret: "a-secret" }, actor: "test" });
    const { credentialCiphertext } = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { credentialCiphertext: true } });
    // The same box sealed under another key: flip one byte of the ciphertext's tail.
    const tampered = credentialCiphertext!.slice(0, -2) + (credentialCiphertext!.endsWith("A") ? "BA" : "AA");
    await db.tenant.update({ where: { id: tenantRef }, data: { credentialCiphertext: tampered } });
    expect(await loadTenantApp(db, tenantRef)).toEqual({
      ok: false,
      error: { code: "bad-credentials", message: `The stored credential for ${name} cannot be decrypted (was JOINSCOPE_SECRET_KEY changed?). Enter it again.` },
    });
  });

  it("refuses a stored custom host nobody listed before anything is sent", async () => {
    const { tenantRef, name } = await newTenant();
    await setTenantApp(db, { tenantRef, cloud: "global", clientId: CLIENT_ID, credential: { kind: "secret", clientSecret: "a-secret" }, actor: "test" });
    await db.tenant.update({
      where: { id: tenantRef },
      data: { cloud: "custom", authorityHost: "login.contoso.example", graphBaseUrl: "https://graph.microsoft.com" },
    });
    const refused = await loadTenantApp(db, tenantRef);
    expect(refused).toEqual({
      ok: false,
      error: {
        code: "cloud-not-allowed",
        message: expect.stringMatching(new RegExp(`^${name}: The authority host login\\.contoso\\.example is not allowed.*\\. Nothing was sent to it\\.$`)),
      },
    });
  });
});
