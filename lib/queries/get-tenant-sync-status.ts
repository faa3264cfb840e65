import "server-only";
import type { Db } from "@/lib/db/client";

export interface TenantSyncStatus {
  id: string;
  name: string;
  tenantId: string;
  hasAppRegistration: boolean;
  syncEnabled: boolean;
  lastSyncAt: string | null;
  lastFullSyncAt: string | null;
  deltaLinkAt: string | null;
  hasDeltaLink: boolean;
}

/** What the Sync page's status card shows. Never selects the credential or the delta link itself. */
export async function getTenantSyncStatus(db: Db, options: { tenantRef: string }): Promise<TenantSyncStatus | null> {
  const t = await db.tenant.findUnique({
    where: { id: options.tenantRef },
    select: {
      id: true,
      name: true,
      tenantId: true,
      clientId: true,
      credentialType: true,
      syncEnabled: true,
      lastSyncAt: true,
      lastFullSyncAt: true,
      deltaLinkAt: true,
      deltaLink: true,
    },
  });
  if (!t) return null;
  return {
    id: t.id,
    name: t.name,
    tenantId: t.tenantId,
    hasAppRegistration: !!t.clientId && !!t.credentialType,
    syncEnabled: t.syncEnabled,
    lastSyncAt: t.lastSyncAt?.toISOString() ?? null,
    lastFullSyncAt: t.lastFullSyncAt?.toISOString() ?? null,
    deltaLinkAt: t.deltaLinkAt?.toISOString() ?? null,
    hasDeltaLink: !!t.deltaLink,
  };
}
