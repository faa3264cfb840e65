import type { Db } from "@/lib/db/client";
import { CliError } from "./cli-error";

/** Accepts the Entra tenant id or the tenant's name as JoinScope shows it. */
export async function findTenantRef(db: Db, tenant: string | undefined): Promise<string> {
  const tenants = await db.tenant.findMany({ select: { id: true, tenantId: true, name: true } });
  if (!tenant) {
    if (tenants.length === 1 && tenants[0]) return tenants[0].id;
    throw new CliError(tenants.length === 0 ? "No tenants yet: joinscope tenant add --tenant-id GUID --name NAME" : "Several tenants: pass --tenant GUID|NAME");
  }
  const match = tenants.find((t) => t.tenantId === tenant.toLowerCase() || t.name.toLowerCase() === tenant.toLowerCase());
  if (!match) throw new CliError(`No tenant "${tenant}". joinscope tenant list shows them.`);
  return match.id;
}
