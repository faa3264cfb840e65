import { randomUUID, scryptSync } from "node:crypto";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import type { Db } from "@/lib/db/client";
import { createTenant } from "@/lib/tenants/create-tenant";

export const CONTOSO_TENANT_ID = "aaaabbbb-0000-cccc-1111-dddd2222eeee";

/**
 * A tenant and an agent token for it. The token accepts direct uploads unless `allowsDirectUpload: false`: the upload
 * tests use it as agents before version 2 do (decision 011); the enrolment tests make enrolment-only ones.
 */
export async function createTenantWithToken(db: Db, options: { tenantId?: string; name?: string; allowsDirectUpload?: boolean } = {}) {
  const tenantId = options.tenantId ?? CONTOSO_TENANT_ID;
  const existing = await db.tenant.findUnique({ where: { tenantId }, select: { id: true } });
  const tenantRef = existing?.id ?? (await expectOk(createTenant(db, { tenantId, name: options.name ?? "Contoso", actor: "test" }))).id;
  const token = await expectOk(
    createAgentToken(db, { tenantRef, name: `test ${randomUUID().slice(0, 8)}`, actor: "test", allowsDirectUpload: options.allowsDirectUpload ?? true }),
  );
  return { tenantRef, tenantId, token: token.token, tokenId: token.id };
}

async function expectOk<T extends { ok: boolean }>(p: Promise<T>): Promise<Extract<T, { ok: true }>> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

/** Row counts of every table a report upload could touch: "nothing changed" means these are equal. */
export async function countRows(db: Db) {
  const [reports, events, tokens, devices, audit, tenants, findings] = await Promise.all([
    db.deviceReport.count(),
    db.agentEvent.count(),
    db.agentToken.count(),
    db.agentDevice.count(),
    db.auditLog.count(),
    db.tenant.count(),
    db.finding.count(),
  ]);
  return { reports, events, tokens, devices, audit, tenants, findings };
}

/**
 * An admin account whose stored hash has a cheap scrypt cost (N=2^10), as an old release could have stored it: a
 * wrong guess is verified in microseconds instead of 128 MiB of scrypt, so sign-in tests can take many. The first
 * right password replaces it at full cost (lib/auth/password.ts, needsRehash), as for any legacy hash.
 */
export async function createAdminWithCheapHash(
  db: Db,
  options: { email: string; password: string; name?: string; role?: "Reader" | "Operator" | "Admin" | null },
) {
  const salt = Buffer.alloc(16, 3);
  const hash = scryptSync(options.password, salt, 32, { N: 1 << 10, r: 8, p: 1 });
  const passwordHash = ["scrypt", 1 << 10, 8, 1, salt.toString("base64url"), hash.toString("base64url")].join("$");
  const created = await db.adminUser.create({
    data: { email: options.email, name: options.name ?? "Test Admin", passwordHash, role: options.role === undefined ? "Admin" : options.role },
    select: { id: true },
  });
  return created.id;
}
