import "server-only";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
// The runtime half of the Prisma namespace (sql, join, empty): identical for both generated clients.
import { Prisma as PrismaRuntime } from "@/lib/db/generated/sqlite/client";
import { AGENT_DEVICES_PAGE_SIZE, type AgentDeviceListParams, type AgentDeviceStatus } from "@/lib/url-params/agent-device-list-params";

const { sql, join } = PrismaRuntime;
type Sql = ReturnType<typeof sql>;

export interface AgentDeviceRow {
  id: string;
  hostname: string;
  deviceId: string | null;
  enrolledAt: string;
  /** The latest enrolment (a re-enrolment after a lost key, or the first). */
  lastEnrolledAt: string;
  enrolledFromAddress: string | null;
  /** The secret of the latest enrolment; null when its row is gone. */
  enrolledVia: { id: string; name: string; prefix: string } | null;
  lastSeenAt: string | null;
  keyPrefix: string;
  keyIssuedAt: string;
  /** The key is older than JOINSCOPE_AGENT_KEY_MAX_AGE_DAYS: the device is told to rotate at its next upload. */
  keyDue: boolean;
  agentVersion: string | null;
  status: AgentDeviceStatus;
  revokedAt: string | null;
  revokedBy: string | null;
  rotateRequestedAt: string | null;
  reEnrolAllowedAt: string | null;
  /** Decision 042: the thumbprint of the device certificate this enrolment proved its identity with, and when. */
  proof: { thumbprint: string; verifiedAt: string } | null;
}

export interface AgentDevicePage {
  rows: AgentDeviceRow[];
  /** Devices matching the filters. */
  total: number;
  page: number;
  pageSize: number;
  /** The tenant's devices by status, whatever the filters. */
  counts: Record<AgentDeviceStatus | "all", number>;
}

type RawRow = {
  id: string;
  hostname: string;
  deviceId: string | null;
  enrolledAt: Date | string;
  lastEnrolledAt: Date | string;
  enrolledFromAddress: string | null;
  tokenId: string | null;
  tokenName: string | null;
  tokenPrefix: string | null;
  lastSeenAt: Date | string | null;
  keyPrefix: string;
  keyIssuedAt: Date | string;
  agentVersion: string | null;
  revokedAt: Date | string | null;
  revokedBy: string | null;
  rotateRequestedAt: Date | string | null;
  reEnrolAllowedAt: Date | string | null;
  proofThumbprint: string | null;
  proofVerifiedAt: Date | string | null;
};

/**
 * One page of a tenant's enrolled devices for the Agents page: search by hostname, status filter, sort, paging, all
 * in SQL that runs unchanged on SQLite and PostgreSQL, so the page costs the same at 200 or 20,000 devices (the
 * hostname and last-contact orders walk the (tenantRef, hostname) and (tenantRef, lastSeenAt) indexes).
 */
export async function listAgentDevices(db: Db, options: { tenantRef: string; params: AgentDeviceListParams; now?: Date }): Promise<AgentDevicePage> {
  const { tenantRef, params } = options;
  const now = options.now ?? new Date();
  const pageSize = AGENT_DEVICES_PAGE_SIZE;
  const conditions: Sql[] = [sql`d."tenantRef" = ${tenantRef}`];
  const q = params.q.trim().toLowerCase();
  if (q) conditions.push(sql`LOWER(d."hostname") LIKE ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} ESCAPE '\\'`);
  if (params.status === "revoked") conditions.push(sql`d."revokedAt" IS NOT NULL`);
  else if (params.status === "rotation") conditions.push(sql`d."revokedAt" IS NULL AND d."rotateRequestedAt" IS NOT NULL`);
  else if (params.status === "active") conditions.push(sql`d."revokedAt" IS NULL AND d."rotateRequestedAt" IS NULL`);
  const where = sql`WHERE ${join(conditions, " AND ")}`;

  const [countRows, statusRows] = await Promise.all([
    db.$queryRaw<{ n: number | bigint }[]>`SELECT COUNT(*) AS "n" FROM "AgentDevice" d ${where}`,
    db.$queryRaw<{ revoked: number | bigint | null; rotation: number | bigint | null; n: number | bigint }[]>`
      SELECT COUNT(*) AS "n",
             SUM(CASE WHEN d."revokedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "revoked",
             SUM(CASE WHEN d."revokedAt" IS NULL AND d."rotateRequestedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "rotation"
        FROM "AgentDevice" d WHERE d."tenantRef" = ${tenantRef}`,
  ]);
  const total = Number(countRows[0]?.n ?? 0);
  const all = Number(statusRows[0]?.n ?? 0);
  const revoked = Number(statusRows[0]?.revoked ?? 0);
  const rotation = Number(statusRows[0]?.rotation ?? 0);
  const page = Math.min(params.page, Math.max(1, Math.ceil(total / pageSize)));

  const dir = params.dir === "desc" ? sql`DESC` : sql`ASC`;
  const orderBy =
    params.sort === "lastSeen"
      ? sql`ORDER BY CASE WHEN d."lastSeenAt" IS NULL THEN 1 ELSE 0 END ASC, d."lastSeenAt" ${dir}, d."hostname" ASC, d."id" ASC`
      : params.sort === "enrolled"
        ? sql`ORDER BY d."enrolledAt" ${dir}, d."hostname" ASC, d."id" ASC`
        : sql`ORDER BY d."hostname" ${dir}, d."id" ASC`;
  const rows = await db.$queryRaw<RawRow[]>`
    SELECT d."id", d."hostname", d."deviceId", d."enrolledAt", d."lastEnrolledAt", d."enrolledFromAddress",
           t."id" AS "tokenId", t."name" AS "tokenName", t."prefix" AS "tokenPrefix",
           d."lastSeenAt", d."keyPrefix", d."keyIssuedAt", d."agentVersion", d."revokedAt", d."revokedBy",
           d."rotateRequestedAt", d."reEnrolAllowedAt", d."proofThumbprint", d."proofVerifiedAt"
      FROM "AgentDevice" d LEFT JOIN "AgentToken" t ON t."id" = d."enrolledViaTokenRef"
      ${where} ${orderBy}
     LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;

  const maxAgeMs = config.JOINSCOPE_AGENT_KEY_MAX_AGE_DAYS * 86_400_000;
  return {
    rows: rows.map((r) => {
      const keyIssuedAt = iso(r.keyIssuedAt)!;
      return {
        id: r.id,
        hostname: r.hostname,
        deviceId: r.deviceId,
        enrolledAt: iso(r.enrolledAt)!,
        lastEnrolledAt: iso(r.lastEnrolledAt)!,
        enrolledFromAddress: r.enrolledFromAddress,
        enrolledVia: r.tokenId ? { id: r.tokenId, name: r.tokenName ?? "", prefix: r.tokenPrefix ?? "" } : null,
        lastSeenAt: iso(r.lastSeenAt),
        keyPrefix: r.keyPrefix,
        keyIssuedAt,
        keyDue: now.getTime() - Date.parse(keyIssuedAt) >= maxAgeMs,
        agentVersion: r.agentVersion,
        status: r.revokedAt ? "revoked" : r.rotateRequestedAt ? "rotation" : "active",
        revokedAt: iso(r.revokedAt),
        revokedBy: r.revokedBy,
        rotateRequestedAt: iso(r.rotateRequestedAt),
        reEnrolAllowedAt: iso(r.reEnrolAllowedAt),
        proof: r.proofThumbprint && r.proofVerifiedAt ? { thumbprint: r.proofThumbprint, verifiedAt: iso(r.proofVerifiedAt)! } : null,
      };
    }),
    total,
    page,
    pageSize,
    counts: { all, revoked, rotation, active: all - revoked - rotation },
  };
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
