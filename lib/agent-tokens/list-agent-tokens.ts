import "server-only";
import { tenantScopeWhere, type TenantScope } from "@/lib/auth/tenant-scope";
import type { Db } from "@/lib/db/client";
import { queryIn, directDb } from "@/lib/db/direct";

/** "Still uploading directly" counts the machines seen in this many days. */
export const DIRECT_UPLOAD_WINDOW_DAYS = 7;

export interface AgentTokenSummary {
  id: string;
  name: string;
  prefix: string;
  tenantRef: string;
  tenantName: string;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Reports uploaded with the token itself (direct uploads of agents before version 2). */
  reportCount: number;
  /** Agents before version 2 may upload with it (decision 011); otherwise it only enrols. */
  allowsDirectUpload: boolean;
  /** Devices whose latest enrolment was through this token, revoked ones included. */
  enrolledDevices: number;
  /** Distinct hostnames that uploaded with the token itself in the last DIRECT_UPLOAD_WINDOW_DAYS days. */
  directUploadHosts: number;
}

export async function listAgentTokens(
  db: Db,
  options: { tenantRef?: string; now?: Date; /** The caller's access limit (decision 027): only its tenants' tokens. */ tenantScope?: TenantScope } = {},
): Promise<AgentTokenSummary[]> {
  const now = options.now ?? new Date();
  const rows = await db.agentToken.findMany({
    where: { AND: [options.tenantRef ? { tenantRef: options.tenantRef } : {}, tenantScopeWhere(options.tenantScope ?? null)] },
    orderBy: [{ revokedAt: "asc" }, { createdAt: "desc" }],
    select: {
      id: true,
      name: true,
      prefix: true,
      tenantRef: true,
      createdBy: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      allowsDirectUpload: true,
      tenant: { select: { name: true } },
      _count: { select: { reports: true, devices: true } },
    },
  });
  const hosts = await countDirectUploadHosts(
    rows.map((r) => r.id),
    new Date(now.getTime() - DIRECT_UPLOAD_WINDOW_DAYS * 86_400_000),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    tenantRef: r.tenantRef,
    tenantName: r.tenant.name,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    reportCount: r._count.reports,
    allowsDirectUpload: r.allowsDirectUpload,
    enrolledDevices: r._count.devices,
    directUploadHosts: hosts.get(r.id) ?? 0,
  }));
}

/**
 * Distinct hostnames per token among the reports uploaded with the token itself since `since`: the machines an admin
 * must update before turning direct uploads off. Reads the (agentTokenRef, receivedAt) index, which holds direct
 * uploads only (an enrolled device's reports have no token).
 */
async function countDirectUploadHosts(tokenIds: string[], since: Date): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (tokenIds.length === 0) return counts;
  const rows = await queryIn<{ agentTokenRef: string; n: number | bigint | string }>(
    directDb(),
    `SELECT "agentTokenRef", COUNT(DISTINCT LOWER("hostname")) AS "n" FROM "DeviceReport" WHERE "receivedAt" >= ? AND {in} GROUP BY "agentTokenRef"`,
    "agentTokenRef",
    tokenIds,
    [since],
  );
  for (const row of rows) counts.set(row.agentTokenRef, Number(row.n));
  return counts;
}
