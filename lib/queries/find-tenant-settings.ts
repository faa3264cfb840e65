import "server-only";
import type { Db } from "@/lib/db/client";
import type { SyncScopeForest } from "@/lib/rules/sync-scope";

export interface TenantSettingsRow {
  id: string;
  name: string;
  tenantId: string;
  cloud: string;
  credentialType: "secret" | "certificate" | null;
  syncEnabled: boolean;
  lastSyncAt: string | null;
}

export interface TenantSettings extends TenantSettingsRow {
  authorityHost: string | null;
  graphBaseUrl: string | null;
  clientId: string | null;
  /** Whether a secret or private key is stored; the value itself is never read for the UI. */
  hasCredential: boolean;
  certificateThumbprint: string | null;
  staleThresholdDays: number;
  agentIntervalMinutes: number;
  redactUserNames: boolean;
  /** Report history retention (decision 013). */
  retentionChangeDays: number;
  retentionTextChanges: number;
  keepEveryUpload: boolean;
  syncScope: SyncScopeForest[];
}

function credentialType(value: string | null): TenantSettingsRow["credentialType"] {
  return value === "secret" || value === "certificate" ? value : null;
}

/** The Settings page's tenant list. */
export async function listTenantSettingsRows(db: Db): Promise<TenantSettingsRow[]> {
  const rows = await db.tenant.findMany({
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: { id: true, name: true, tenantId: true, cloud: true, credentialType: true, syncEnabled: true, lastSyncAt: true },
  });
  return rows.map((r) => ({ ...r, credentialType: credentialType(r.credentialType), lastSyncAt: r.lastSyncAt?.toISOString() ?? null }));
}

/** One tenant's settings for the forms. The credential ciphertext and certificate PEM are not selected. */
export async function findTenantSettings(db: Db, options: { tenantRef: string }): Promise<TenantSettings | null> {
  const t = await db.tenant.findUnique({
    where: { id: options.tenantRef },
    select: {
      id: true,
      name: true,
      tenantId: true,
      cloud: true,
      authorityHost: true,
      graphBaseUrl: true,
      clientId: true,
      credentialType: true,
      certificateThumbprint: true,
      syncEnabled: true,
      lastSyncAt: true,
      staleThresholdDays: true,
      agentIntervalMinutes: true,
      redactUserNames: true,
      retentionChangeDays: true,
      retentionTextChanges: true,
      keepEveryUpload: true,
      syncScope: true,
    },
  });
  if (!t) return null;
  // credentialCiphertext is deliberately not selected; credentialType is only set together with it (set-tenant-app).
  return {
    ...t,
    credentialType: credentialType(t.credentialType),
    hasCredential: credentialType(t.credentialType) !== null,
    lastSyncAt: t.lastSyncAt?.toISOString() ?? null,
    syncScope: readForests(t.syncScope),
  };
}

function readForests(json: unknown): SyncScopeForest[] {
  if (typeof json !== "object" || json === null || !Array.isArray((json as { forests?: unknown }).forests)) return [];
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
  return (json as { forests: unknown[] }).forests
    .filter((f): f is Record<string, unknown> => typeof f === "object" && f !== null && typeof (f as { name?: unknown }).name === "string")
    .map((f) => ({ name: f.name as string, include: strings(f.include), exclude: strings(f.exclude) }));
}
