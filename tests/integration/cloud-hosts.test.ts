/**
 * Outbound targets: a "custom" cloud may point only at the national clouds' hosts and at hosts listed in
 * JOINSCOPE_ALLOWED_CLOUD_HOSTS (tests/setup/per-file-database.ts lists 127.0.0.1, where the simulators listen).
 */
import { spawn } from "node:child_process";
import { createServer, type AddressInfo, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { runSync } from "@/lib/sync/run-sync";
import { testTenantConnection } from "@/lib/sync/test-tenant-connection";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { ROOT } from "../setup/databases";

const CLIENT_ID = "0f0e0d0c-0b0a-4909-8807-060504030201";
const SECRET = { kind: "secret" as const, clientSecret: "an-app-secret-value" };

let seq = 0;
async function newTenant() {
  seq += 1;
  const tenantId = `5d1a7c3e-0000-4000-8000-${String(seq).padStart(12, "0")}`;
  const created = await createTenant(db, { tenantId, name: `Outbound ${seq}`, actor: "test" });
  if (!created.ok) throw new Error(created.error.message);
  return { tenantRef: created.id, tenantId, name: `Outbound ${seq}` };
}

/** A TCP listener on 127.0.0.2 (loopback, not listed) that counts connections: the server must never open one. */
let listener: Server;
let connections = 0;
let port = 0;
beforeAll(async () => {
  listener = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.2", resolve));
  port = (listener.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

describe("saving a custom cloud", () => {
  it("refuses an authority host nobody listed, with the reason, and changes nothing", async () => {
    const { tenantRef } = await newTenant();
    const audit = await db.auditLog.count();
    const result = await setTenantApp(db, {
      tenantRef,
      cloud: "custom",
      authorityHost: `127.0.0.2:${port}`,
      graphBaseUrl: "https://graph.microsoft.com",
      clientId: CLIENT_ID,
      credential: SECRET,
      actor: "test",
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: "invalid-input",
        message: expect.stringMatching(new RegExp(`authority host 127\\.0\\.0\\.2:${port} is not allowed.*JOINSCOPE_ALLOWED_CLOUD_HOSTS`)),
      },
    });
    expect(
      await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { cloud: true, clientId: true, authorityHost: true, credentialCiphertext: true } }),
    ).toEqual({
      cloud: "global",
      clientId: null,
      authorityHost: null,
      credentialCiphertext: null,
    });
    expect(await db.auditLog.count()).toBe(audit);
  });

  it("refuses a Graph base URL on a host nobody listed", async () => {
    const { tenantRef } = await newTenant();
    const result = await setTenantApp(db, {
      tenantRef,
      cloud: "custom",
      authorityHost: "login.microsoftonline.com",
      graphBaseUrl: "https://169.254.169.254/latest",
      clientId: CLIENT_ID,
      credential: SECRET,
      actor: "test",
    });
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining("The Graph base URL's host 169.254.169.254 is not allowed") } });
  });

  it("accepts a listed host (the simulator's 127.0.0.1, any port)", async () => {
    const { tenantRef } = await newTenant();
    const result = await setTenantApp(db, {
      tenantRef,
      cloud: "custom",
      authorityHost: "127.0.0.1:3999",
      graphBaseUrl: "https://127.0.0.1:3999",
      clientId: CLIENT_ID,
      credential: SECRET,
      actor: "test",
    });
    expect(result).toEqual({ ok: true });
  });

  it("the CLI says why and exits 1", async () => {
    const { name } = await newTenant();
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, "bin/joinscope.mjs"),
          "tenant",
          "set-app",
          "--tenant",
          name,
          "--client-id",
          CLIENT_ID,
          "--cloud",
          "custom",
          "--authority-host",
          `127.0.0.2:${port}`,
          "--graph-url",
          `https://127.0.0.2:${port}`,
          "--secret-stdin",
        ],
        { cwd: ROOT, env: { ...process.env }, stdio: ["pipe", "ignore", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stderr }));
      child.stdin.end(SECRET.clientSecret);
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The authority host 127.0.0.2:${port} is not allowed`);
    expect(run.stderr).toContain("JOINSCOPE_ALLOWED_CLOUD_HOSTS");
  });
});

describe("a stored custom cloud on a host nobody listed (saved before the list, or since removed from it)", () => {
  it("is refused by the sync and by Test connection without a connection to it", async () => {
    const { tenantRef } = await newTenant();
    expect(await setTenantApp(db, { tenantRef, cloud: "global", clientId: CLIENT_ID, credential: SECRET, actor: "test" })).toEqual({ ok: true });
    await db.tenant.update({
      where: { id: tenantRef },
      data: { cloud: "custom", authorityHost: `127.0.0.2:${port}`, graphBaseUrl: `https://127.0.0.2:${port}` },
    });

    const sync = await runSync(db, { tenantRef, trigger: "test", resilience: { maxRetries: 0 } });
    expect(sync).toMatchObject({ ok: false, error: { message: expect.stringContaining(`127.0.0.2:${port} is not allowed`) } });
    const test = await testTenantConnection(db, { tenantRef });
    expect(test.ok).toBe(false);
    expect(test.checks[0]).toMatchObject({ status: "failed", message: expect.stringContaining(`127.0.0.2:${port} is not allowed`) });
    expect(connections).toBe(0);
    expect(await db.syncRun.count({ where: { tenantRef } })).toBe(0);
  });
});
