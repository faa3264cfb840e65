import "server-only";
import type { Db } from "@/lib/db/client";

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
  reportCount: number;
}

export async function listAgentTokens(db: Db, options: { tenantRef?: string } = {}): Promise<AgentTokenSummary[]> {
  const rows = await db.agentToken.findMany({
    where: options.tenantRef ? { tenantRef: options.tenantRef } : {},
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
      tenant: { select: { name: true } },
      _count: { select: { reports: true } },
    },
  });
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
  }));
}
