import "server-only";
import type { Db } from "@/lib/db/client";

export interface TenantSummary {
  id: string;
  tenantId: string;
  name: string;
  cloud: string;
}

export async function listTenants(db: Db): Promise<TenantSummary[]> {
  return db.tenant.findMany({ orderBy: { name: "asc" }, select: { id: true, tenantId: true, name: true, cloud: true } });
}
