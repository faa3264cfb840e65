import "server-only";
import { inList, insertValueStatements, encodeValue, readDate, type DirectDb, type Statement } from "@/lib/db/direct";
import { chunk } from "@/lib/db/in-list";

/**
 * The Sign-ins view's counts, kept beside the rows (docs/domain.md, "The Sign-ins view"): blocked sign-ins per UTC day,
 * cause and app (SignInDaily), and each device's and each user's latest sign-in per cause (SignInCauseDevice,
 * SignInCauseUser), so "how many devices since Monday" counts rows whose lastAt is after Monday; the database's triggers
 * on those two keep that count per day (SignInCauseDay), so the view sums days instead of counting rows. A tenant's
 * million sign-ins are then summarised without reading them. The pull writes them with the rows, in the same transaction.
 */
export interface RollupRow {
  createdDateTime: Date;
  cause: string;
  causeLabel: string;
  appDisplayName: string | null;
  userPrincipalName: string | null;
  /** The machine JoinScope tied the sign-in to, else the deviceId it presented. */
  machineDeviceId: string | null;
  deviceId: string | null;
}

export const DAY_MS = 86_400_000;

export function dayOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

export function deviceKeyOf(row: Pick<RollupRow, "machineDeviceId" | "deviceId">): string | null {
  return row.machineDeviceId ?? row.deviceId;
}

/** The latest sign-in per cause a run has written so far, per device and per user (RollupDelta's keys, in ms). */
export class LatestWritten {
  readonly devices = new Map<string, number>();
  readonly users = new Map<string, number>();
}

export class RollupDelta {
  readonly daily = new Map<string, { day: Date; cause: string; causeLabel: string; app: string; n: number }>();
  readonly devices = new Map<string, { cause: string; causeLabel: string; deviceId: string; lastAt: Date }>();
  readonly users = new Map<string, { cause: string; causeLabel: string; user: string; lastAt: Date }>();

  /** Counts a stored row (+1) or one that leaves its cause (-1: only the day's count moves; see recomputeLatest). */
  add(row: RollupRow, sign: 1 | -1 = 1): void {
    const day = dayOf(row.createdDateTime);
    const app = row.appDisplayName ?? "";
    const dk = `${day.getTime()}\u0000${row.cause}\u0000${row.causeLabel}\u0000${app}`;
    const d = this.daily.get(dk);
    if (d) d.n += sign;
    else this.daily.set(dk, { day, cause: row.cause, causeLabel: row.causeLabel, app, n: sign });
    if (sign < 0) return;
    const device = deviceKeyOf(row);
    if (device) {
      const key = `${row.cause}\u0000${row.causeLabel}\u0000${device}`;
      const held = this.devices.get(key);
      if (!held || held.lastAt < row.createdDateTime)
        this.devices.set(key, { cause: row.cause, causeLabel: row.causeLabel, deviceId: device, lastAt: row.createdDateTime });
    }
    if (row.userPrincipalName) {
      const key = `${row.cause}\u0000${row.causeLabel}\u0000${row.userPrincipalName}`;
      const held = this.users.get(key);
      if (!held || held.lastAt < row.createdDateTime)
        this.users.set(key, { cause: row.cause, causeLabel: row.causeLabel, user: row.userPrincipalName, lastAt: row.createdDateTime });
    }
  }

  /**
   * Leaves out each device's and user's latest sign-in per cause that a page before, in the same run, already wrote
   * as late or later (`written`, which this updates): the upsert keeps the later of the two, so it would change nothing.
   * A pull reads the log newest first, so after its first pages most of them are such no-ops (a device's ten sign-ins
   * of a week are on ten pages). Only for a run whose pages commit in order and stop at the first failure (the
   * ordered-page pipeline): a page committed means every page before it was.
   */
  dropWritten(written: LatestWritten): void {
    for (const [map, seen] of [
      [this.devices, written.devices],
      [this.users, written.users],
    ] as const) {
      for (const [key, entry] of map) {
        const at = entry.lastAt.getTime();
        if ((seen.get(key) ?? -Infinity) >= at) map.delete(key);
        else seen.set(key, at);
      }
    }
  }

  statements(direct: DirectDb, tenantRef: string): Statement[] {
    const { dialect } = direct;
    const dt = (d: Date) => encodeValue(dialect, "datetime", d);
    const daily = [...this.daily.values()].filter((d) => d.n !== 0);
    const later = (table: string) => `CASE WHEN excluded."lastAt" > "${table}"."lastAt" THEN excluded."lastAt" ELSE "${table}"."lastAt" END`;
    const withClause = (statements: Statement[], clause: string) => statements.map((s) => ({ ...s, sql: s.sql + clause }));
    return [
      ...withClause(
        insertValueStatements(
          dialect,
          "SignInDaily",
          ["tenantRef", "day", "cause", "causeLabel", "appDisplayName", "signIns"],
          daily.map((d) => [tenantRef, dt(d.day), d.cause, d.causeLabel, d.app, d.n]),
        ),
        ` ON CONFLICT ("tenantRef", "day", "cause", "causeLabel", "appDisplayName") DO UPDATE SET "signIns" = "SignInDaily"."signIns" + excluded."signIns"`,
      ),
      ...(daily.some((d) => d.n < 0) ? [{ sql: `DELETE FROM "SignInDaily" WHERE "tenantRef" = ? AND "signIns" <= 0`, params: [tenantRef] }] : []),
      ...withClause(
        insertValueStatements(
          dialect,
          "SignInCauseDevice",
          ["tenantRef", "cause", "causeLabel", "deviceId", "lastAt"],
          [...this.devices.values()].map((d) => [tenantRef, d.cause, d.causeLabel, d.deviceId, dt(d.lastAt)]),
        ),
        ` ON CONFLICT ("tenantRef", "cause", "causeLabel", "deviceId") DO UPDATE SET "lastAt" = ${later("SignInCauseDevice")}`,
      ),
      ...withClause(
        insertValueStatements(
          dialect,
          "SignInCauseUser",
          ["tenantRef", "cause", "causeLabel", "userPrincipalName", "lastAt"],
          [...this.users.values()].map((u) => [tenantRef, u.cause, u.causeLabel, u.user, dt(u.lastAt)]),
        ),
        ` ON CONFLICT ("tenantRef", "cause", "causeLabel", "userPrincipalName") DO UPDATE SET "lastAt" = ${later("SignInCauseUser")}`,
      ),
    ];
  }
}

/**
 * After sign-ins changed cause (joined again), each touched device's and user's latest sign-in per cause is read again
 * from the rows: a cause they left may have no sign-in of theirs any more.
 */
export function recomputeLatestStatements(tenantRef: string, touched: { devices: ReadonlySet<string>; users: ReadonlySet<string> }): Statement[] {
  const statements: Statement[] = [];
  for (const part of chunk([...touched.devices])) {
    statements.push(
      { sql: `DELETE FROM "SignInCauseDevice" WHERE "tenantRef" = ? AND ${inList("deviceId", part.length)}`, params: [tenantRef, ...part] },
      {
        // Each side through its own device index (as one OR, SQLite's planner walked the tenant's rows by cause).
        sql: `INSERT INTO "SignInCauseDevice" ("tenantRef", "cause", "causeLabel", "deviceId", "lastAt")
          SELECT "tenantRef", "cause", "causeLabel", "device", MAX("createdDateTime") FROM (
            SELECT "tenantRef", "cause", "causeLabel", "machineDeviceId" AS "device", "createdDateTime" FROM "SignInEvent"
            WHERE "tenantRef" = ? AND ${inList("machineDeviceId", part.length)}
            UNION ALL
            SELECT "tenantRef", "cause", "causeLabel", "deviceId" AS "device", "createdDateTime" FROM "SignInEvent"
            WHERE "tenantRef" = ? AND ${inList("deviceId", part.length)} AND "machineDeviceId" IS NULL
          ) AS "latest"
          GROUP BY "tenantRef", "cause", "causeLabel", "device"`,
        params: [tenantRef, ...part, tenantRef, ...part],
      },
    );
  }
  for (const part of chunk([...touched.users])) {
    statements.push(
      { sql: `DELETE FROM "SignInCauseUser" WHERE "tenantRef" = ? AND ${inList("userPrincipalName", part.length)}`, params: [tenantRef, ...part] },
      {
        // The user's rows read first through the user index (grouped in place, SQLite's planner walked the tenant's rows
        // by cause for the GROUP BY's order).
        sql: `WITH "rows" AS MATERIALIZED (
            SELECT "tenantRef", "cause", "causeLabel", "userPrincipalName", "createdDateTime" FROM "SignInEvent"
            WHERE "tenantRef" = ? AND ${inList("userPrincipalName", part.length)}
          )
          INSERT INTO "SignInCauseUser" ("tenantRef", "cause", "causeLabel", "userPrincipalName", "lastAt")
          SELECT "tenantRef", "cause", "causeLabel", "userPrincipalName", MAX("createdDateTime") FROM "rows"
          GROUP BY "tenantRef", "cause", "causeLabel", "userPrincipalName"`,
        params: [tenantRef, ...part],
      },
    );
  }
  return statements;
}

/** The retention, at day boundaries so the day counts stay exact: every sign-in (and count) before `before`'s day goes. */
export function expireStatements(tenantRef: string, before: Date): { cutoff: Date; statements: Statement[] } {
  const cutoff = dayOf(before);
  return {
    cutoff,
    statements: [
      { sql: `DELETE FROM "SignInEvent" WHERE "tenantRef" = ? AND "createdDateTime" < ?`, params: [tenantRef, cutoff] },
      { sql: `DELETE FROM "SignInDaily" WHERE "tenantRef" = ? AND "day" < ?`, params: [tenantRef, cutoff] },
      // First, so that the triggers' decrements for the rows below find no day to change.
      { sql: `DELETE FROM "SignInCauseDay" WHERE "tenantRef" = ? AND "day" < ?`, params: [tenantRef, cutoff] },
      { sql: `DELETE FROM "SignInCauseDevice" WHERE "tenantRef" = ? AND "lastAt" < ?`, params: [tenantRef, cutoff] },
      { sql: `DELETE FROM "SignInCauseUser" WHERE "tenantRef" = ? AND "lastAt" < ?`, params: [tenantRef, cutoff] },
    ],
  };
}

/** The rows as RollupRow, from a direct read. */
export function rollupRowFrom(r: {
  createdDateTime: unknown;
  cause: string;
  causeLabel: string;
  appDisplayName: string | null;
  userPrincipalName: string | null;
  machineDeviceId: string | null;
  deviceId: string | null;
}): RollupRow {
  return { ...r, createdDateTime: readDate(r.createdDateTime)! };
}
