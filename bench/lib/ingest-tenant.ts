/**
 * bench:ingest's tenant (bench/ingest.ts, bench/ingest-cpu.ts): INGEST_TENANT_ID registered, and one agent token per
 * client that accepts direct uploads (each client stands in for thousands of agents).
 */
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import type { Db } from "@/lib/db/client";
import { createTenant } from "@/lib/tenants/create-tenant";
import { INGEST_TENANT_ID } from "./ingest-workload";

export async function seedIngestTenant(db: Db, clients: number): Promise<{ tenantRef: string; tokens: string[] }> {
  const tenant = await createTenant(db, { tenantId: INGEST_TENANT_ID, name: "Contoso", actor: "bench" });
  if (!tenant.ok) throw new Error(tenant.error.message);
  const tokens: string[] = [];
  for (let i = 0; i < clients; i++) {
    const t = await createAgentToken(db, { tenantRef: tenant.id, name: `bench ${i}`, actor: "bench", allowsDirectUpload: true });
    if (!t.ok) throw new Error(t.error.message);
    tokens.push(t.token);
  }
  return { tenantRef: tenant.id, tokens };
}
