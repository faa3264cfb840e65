import "server-only";
import type { DirectDb } from "@/lib/db/direct";

/** At most this many devices and this many users per search; the page says when there are more. */
export const SEARCH_LIMIT = 20;

export interface DeviceSearchHit {
  subjectKey: string;
  name: string;
  /** live | deleted | pending | disabled | report-only */
  state: string;
  deviceId: string | null;
  objectId: string | null;
  /** Rank of the worst open finding: 0 critical … 4 info, 9 none. */
  worstRank: number;
  primaryRule: string | null;
}

export interface SearchResult {
  q: string;
  devices: DeviceSearchHit[];
  moreDevices: boolean;
  /** User principal names (lower-case) the tenant's reports carry that start with the query. */
  users: string[];
  moreUsers: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEVICE_COLUMNS = `"rowKey", "subjectKey", "name", "state", "deviceId", "objectId", "worstRank", "primaryRule"`;

/**
 * The header search: devices by name, deviceId or objectId (DeviceSummary), and users by the UPN their reports carry
 * (ReportUser). Bounded and indexed at any fleet size: a full GUID is two key lookups; other text scans the Devices
 * list's covering name index (the same match as its search) and stops at SEARCH_LIMIT + 1 rows; users are read by a
 * skip scan of ReportUser's (tenantRef, userPrincipalName) index, one seek per distinct user, never report text.
 */
export async function searchDevicesAndUsers(direct: DirectDb, options: { tenantRef: string; q: string; limit?: number }): Promise<SearchResult> {
  const limit = options.limit ?? SEARCH_LIMIT;
  const q = options.q.trim().toLowerCase().slice(0, 200);
  if (!q) return { q, devices: [], moreDevices: false, users: [], moreUsers: false };
  const [deviceRows, users] = await Promise.all([
    findDevices(direct, options.tenantRef, q, limit),
    /\s/.test(q) ? Promise.resolve([]) : findUsers(direct, options.tenantRef, q, limit),
  ]);
  return {
    q,
    devices: deviceRows.slice(0, limit).map(toHit),
    moreDevices: deviceRows.length > limit,
    users: users.slice(0, limit),
    moreUsers: users.length > limit,
  };
}

async function findDevices(direct: DirectDb, tenantRef: string, q: string, limit: number) {
  if (GUID.test(q)) {
    // A deviceId (the findings subject of its objects and reports) or an objectId (its summary row's key).
    const rows = [
      ...(await direct.query(`SELECT ${DEVICE_COLUMNS} FROM "DeviceSummary" WHERE "tenantRef" = ? AND "subjectKey" = ? LIMIT ${limit + 1}`, [
        tenantRef,
        `d:${q}`,
      ])),
      ...(await direct.query(`SELECT ${DEVICE_COLUMNS} FROM "DeviceSummary" WHERE "tenantRef" = ? AND "rowKey" = ?`, [tenantRef, `o:${q}`])),
    ];
    return [...new Map(rows.map((r) => [r.rowKey as string, r])).values()];
  }
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const source = direct.dialect === "sqlite" ? `"DeviceSummary" INDEXED BY "DeviceSummary_tenantRef_nameKey_rowKey_deviceId_objectId_idx"` : `"DeviceSummary"`;
  return direct.query(
    `SELECT ${DEVICE_COLUMNS} FROM ${source}
     WHERE "tenantRef" = ? AND ("nameKey" LIKE ? ESCAPE '\\' OR "deviceId" LIKE ? ESCAPE '\\' OR "objectId" LIKE ? ESCAPE '\\')
     ORDER BY "nameKey", "rowKey" LIMIT ${limit + 1}`,
    [tenantRef, pattern, pattern, pattern],
  );
}

/**
 * Distinct UPNs starting with `q`, in order, one index seek each. PostgreSQL compares them byte-wise (COLLATE "C",
 * which its index ReportUser_tenantRef_userPrincipalName_c_idx is built with), so that a prefix is one contiguous
 * range whatever the database's collation; SQLite's default collation is already byte-wise.
 */
async function findUsers(direct: DirectDb, tenantRef: string, q: string, limit: number): Promise<string[]> {
  const upn = direct.dialect === "postgresql" ? `"userPrincipalName" COLLATE "C"` : `"userPrincipalName"`;
  const upper = nextPrefix(q);
  const users: string[] = [];
  let after: string | null = null;
  while (users.length <= limit) {
    const rows: { userPrincipalName: string }[] = await direct.query<{ userPrincipalName: string }>(
      `SELECT "userPrincipalName" FROM "ReportUser" WHERE "tenantRef" = ? AND ${upn} ${after === null ? ">=" : ">"} ? AND ${upn} < ? ORDER BY ${upn} LIMIT 1`,
      [tenantRef, after ?? q, upper],
    );
    const next = rows[0]?.userPrincipalName;
    if (next === undefined) break;
    users.push(next);
    after = next;
  }
  return users;
}

/** The smallest string greater than every string that starts with `prefix`, in code point order. */
export function nextPrefix(prefix: string): string {
  const points = [...prefix];
  const last = points.pop()!;
  return points.join("") + String.fromCodePoint(last.codePointAt(0)! + 1);
}

function toHit(r: Record<string, unknown>): DeviceSearchHit {
  return {
    subjectKey: r.subjectKey as string,
    name: r.name as string,
    state: r.state as string,
    deviceId: (r.deviceId as string | null) ?? null,
    objectId: (r.objectId as string | null) ?? null,
    worstRank: Number(r.worstRank ?? 9),
    primaryRule: (r.primaryRule as string | null) ?? null,
  };
}
