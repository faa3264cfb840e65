import "server-only";
import { readDate, type DirectDb } from "@/lib/db/direct";
import { periodStart, type SignInListParams } from "@/lib/url-params/sign-in-list-params";

export interface SignInCauseCount {
  cause: string;
  /** "Chrome without the Microsoft Single Sign On extension", "No PRT: network or proxy error"… */
  causeLabel: string;
  signIns: number;
  /** Distinct devices and users the cause hit in the period; null when the app filter is set (their counts are kept per cause, not per app). */
  devices: number | null;
  users: number | null;
}

export interface SignInDayCount {
  /** 00:00 UTC of the day, ISO 8601. */
  day: string;
  cause: string;
  signIns: number;
}

export interface SignInSummary {
  /** 00:00 UTC of the period's first day, ISO 8601. */
  since: string;
  total: number;
  /** Most sign-ins first. */
  causes: SignInCauseCount[];
  /** Every day of the period, oldest first, with its counts per cause (a day without any has none). */
  days: { day: string; total: number; causes: SignInDayCount[] }[];
  /** The apps with blocked sign-ins in the period (for the app filter), from the daily counts. */
  apps: string[];
  /** Where the counts come from: the daily rollups, or the filtered user's or device's own rows (indexed). */
  source: "rollups" | "rows";
  /** The rows read for a user or device filter stopped at ROW_LIMIT: the counts are a lower bound. */
  truncated: boolean;
}

const DAY_MS = 86_400_000;
/** A user or a device with more blocked sign-ins than this in a month is counted up to it. */
export const ROW_LIMIT = 20_000;

/**
 * The Sign-ins view's counts over a period (docs/domain.md, "The Sign-ins view"): per cause (sign-ins, devices, users)
 * and per UTC day per cause. Without a user or device filter they come from the rollups kept with the rows (SignInDaily,
 * and SignInCauseDay for the distinct devices and users), never from the events; a user or device filter reads that user's or device's
 * own rows of the period through their index.
 */
export async function findSignInSummary(direct: DirectDb, options: { tenantRef: string; params: SignInListParams; now: Date }): Promise<SignInSummary> {
  const { tenantRef, params } = options;
  const since = periodStart(params.period, options.now);
  const summary = params.user || params.device ? await fromRows(direct, tenantRef, params, since) : await fromRollups(direct, tenantRef, params, since);
  const apps = await direct.query<{ app: string }>(
    `SELECT DISTINCT "appDisplayName" AS "app" FROM "SignInDaily" WHERE "tenantRef" = ? AND "day" >= ? ORDER BY "appDisplayName"`,
    [tenantRef, since],
  );
  const { dayCounts, ...counts } = summary;
  return { since: since.toISOString(), ...counts, apps: apps.map((a) => a.app).filter((a) => a !== ""), days: everyDay(since, options.now, dayCounts) };
}

type Counts = { total: number; causes: SignInCauseCount[]; dayCounts: SignInDayCount[]; source: SignInSummary["source"]; truncated: boolean };

async function fromRollups(direct: DirectDb, tenantRef: string, params: SignInListParams, since: Date): Promise<Counts> {
  const where = [`"tenantRef" = ?`, `"day" >= ?`];
  const args: unknown[] = [tenantRef, since];
  if (params.cause) {
    where.push(`"cause" = ?`);
    args.push(params.cause);
  }
  if (params.app) {
    where.push(`"appDisplayName" = ?`);
    args.push(params.app);
  }
  const daily = await direct.query<{ day: unknown; cause: string; causeLabel: string; n: unknown }>(
    `SELECT "day", "cause", "causeLabel", SUM("signIns") AS "n" FROM "SignInDaily" WHERE ${where.join(" AND ")} GROUP BY "day", "cause", "causeLabel"`,
    args,
  );
  // The distinct devices and users per cause since the period's first day: the days' counts of the rows whose latest
  // sign-in of the cause falls on them (SignInCauseDay, kept by the database's triggers on SignInCauseDevice and
  // SignInCauseUser), summed.
  const distinct = params.app
    ? null
    : new Map(
        (
          await direct.query<{ cause: string; causeLabel: string; devices: unknown; users: unknown }>(
            `SELECT "cause", "causeLabel", SUM("devices") AS "devices", SUM("users") AS "users" FROM "SignInCauseDay" WHERE "tenantRef" = ? AND "day" >= ?${params.cause ? ` AND "cause" = ?` : ""} GROUP BY "cause", "causeLabel"`,
            params.cause ? [tenantRef, since, params.cause] : [tenantRef, since],
          )
        ).map((r) => [`${r.cause}\u0000${r.causeLabel}`, { devices: Number(r.devices), users: Number(r.users) }]),
      );
  const causes = new Map<string, SignInCauseCount>();
  const dayCounts = new Map<string, SignInDayCount>();
  let total = 0;
  for (const r of daily) {
    const n = Number(r.n);
    total += n;
    const key = `${r.cause}\u0000${r.causeLabel}`;
    const c = causes.get(key) ?? {
      cause: r.cause,
      causeLabel: r.causeLabel,
      signIns: 0,
      devices: distinct ? (distinct.get(key)?.devices ?? 0) : null,
      users: distinct ? (distinct.get(key)?.users ?? 0) : null,
    };
    c.signIns += n;
    causes.set(key, c);
    addDay(dayCounts, readDate(r.day)!, r.cause, n);
  }
  return { total, causes: sortCauses(causes), dayCounts: [...dayCounts.values()], source: "rollups", truncated: false };
}

async function fromRows(direct: DirectDb, tenantRef: string, params: SignInListParams, since: Date): Promise<Counts> {
  const filter = signInRowFilter(tenantRef, params, since);
  const rows = await direct.query<{
    createdDateTime: unknown;
    cause: string;
    causeLabel: string;
    userPrincipalName: string | null;
    machineDeviceId: string | null;
    deviceId: string | null;
  }>(
    `SELECT "createdDateTime", "cause", "causeLabel", "userPrincipalName", "machineDeviceId", "deviceId" FROM "SignInEvent"${signInIndexedBy(direct.dialect, params)} WHERE ${filter.sql} LIMIT ${ROW_LIMIT + 1}`,
    filter.params,
  );
  const truncated = rows.length > ROW_LIMIT;
  const causes = new Map<string, SignInCauseCount & { deviceSet: Set<string>; userSet: Set<string> }>();
  const dayCounts = new Map<string, SignInDayCount>();
  for (const r of rows.slice(0, ROW_LIMIT)) {
    const key = `${r.cause}\u0000${r.causeLabel}`;
    let c = causes.get(key);
    if (!c) causes.set(key, (c = { cause: r.cause, causeLabel: r.causeLabel, signIns: 0, devices: 0, users: 0, deviceSet: new Set(), userSet: new Set() }));
    c.signIns++;
    const device = r.machineDeviceId ?? r.deviceId;
    if (device) c.deviceSet.add(device);
    if (r.userPrincipalName) c.userSet.add(r.userPrincipalName);
    addDay(dayCounts, readDate(r.createdDateTime)!, r.cause, 1);
  }
  const plain = new Map<string, SignInCauseCount>();
  for (const [key, { deviceSet, userSet, ...c }] of causes) plain.set(key, { ...c, devices: deviceSet.size, users: userSet.size });
  return { total: Math.min(rows.length, ROW_LIMIT), causes: sortCauses(plain), dayCounts: [...dayCounts.values()], source: "rows", truncated };
}

/**
 * The WHERE clause of a SignInEvent read with the view's filters from `since` on. A device matches the sign-ins tied
 * to its machine and those that presented it (two indexes, their rows' ids united).
 */
export function signInRowFilter(tenantRef: string, params: SignInListParams, since: Date): { sql: string; params: unknown[] } {
  const where = [`"tenantRef" = ?`, `"createdDateTime" >= ?`];
  const args: unknown[] = [tenantRef, since];
  if (params.user) {
    where.push(`"userPrincipalName" = ?`);
    args.push(params.user);
  }
  if (params.device) {
    // Each side through its own index: as one OR, SQLite walked the tenant's time index past every other device's rows.
    where.push(
      `"id" IN (SELECT "id" FROM "SignInEvent" WHERE "tenantRef" = ? AND "machineDeviceId" = ? AND "createdDateTime" >= ? UNION SELECT "id" FROM "SignInEvent" WHERE "tenantRef" = ? AND "deviceId" = ? AND "createdDateTime" >= ?)`,
    );
    args.push(tenantRef, params.device, since, tenantRef, params.device, since);
  }
  if (params.cause) {
    where.push(`"cause" = ?`);
    args.push(params.cause);
  }
  if (params.app) {
    where.push(`"appDisplayName" = ?`);
    args.push(params.app);
  }
  return { sql: where.join(" AND "), params: args };
}

/**
 * SQLite only: the index a filtered read goes through (its planner has no statistics to tell a user's handful of rows
 * from a cause's hundred thousand, and it walked the tenant's time index for a device's two-index read). A device's rows
 * are found by their ids (the UNION above); a user's, a cause's, an app's by their own index; else the tenant's.
 */
export function signInIndexedBy(dialect: DirectDb["dialect"], params: Pick<SignInListParams, "device" | "user" | "cause" | "app">): string {
  if (dialect !== "sqlite") return "";
  const index = params.device
    ? "sqlite_autoindex_SignInEvent_1"
    : params.user
      ? "SignInEvent_tenantRef_userPrincipalName_createdDateTime_idx"
      : params.cause
        ? "SignInEvent_tenantRef_cause_createdDateTime_idx"
        : params.app
          ? "SignInEvent_tenantRef_appDisplayName_createdDateTime_idx"
          : "SignInEvent_tenantRef_createdDateTime_idx";
  return ` INDEXED BY "${index}"`;
}

function addDay(map: Map<string, SignInDayCount>, at: Date, cause: string, n: number): void {
  const day = new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS).toISOString();
  const key = `${day}\u0000${cause}`;
  const d = map.get(key);
  if (d) d.signIns += n;
  else map.set(key, { day, cause, signIns: n });
}

function sortCauses(causes: Map<string, SignInCauseCount>): SignInCauseCount[] {
  return [...causes.values()].sort((a, b) => b.signIns - a.signIns || a.cause.localeCompare(b.cause) || a.causeLabel.localeCompare(b.causeLabel));
}

function everyDay(since: Date, now: Date, counts: SignInDayCount[]): SignInSummary["days"] {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const byDay = new Map<string, SignInDayCount[]>();
  for (const c of counts) {
    const list = byDay.get(c.day);
    if (list) list.push(c);
    else byDay.set(c.day, [c]);
  }
  const days: SignInSummary["days"] = [];
  for (let ms = since.getTime(); ms <= today; ms += DAY_MS) {
    const day = new Date(ms).toISOString();
    const causes = (byDay.get(day) ?? []).sort((a, b) => b.signIns - a.signIns || a.cause.localeCompare(b.cause));
    days.push({ day, total: causes.reduce((s, c) => s + c.signIns, 0), causes });
  }
  return days;
}
