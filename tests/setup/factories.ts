import { randomUUID } from "node:crypto";
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
  const token = await expectOk(createAgentToken(db, { tenantRef, name: `test ${randomUUID().slice(0, 8)}`, actor: "test", allowsDirectUpload: options.allowsDirectUpload ?? true }));
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
