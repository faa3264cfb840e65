import "server-only";
import { readDate, type DirectDb } from "@/lib/db/direct";
import { reportSubjectKey } from "@/lib/rules/subject-key";

/** The newest reports of a user read for their page: a user with one machine reporting hourly fills 30 days with 720. */
const REPORTS_READ = 2000;
/** At most this many machines on a user's page, the most recently used first. */
export const DEVICES_SHOWN = 100;

export interface UserDevice {
  subjectKey: string;
  /** The directory's displayName (DeviceSummary), else the host name the reports carry. */
  name: string;
  hostname: string;
  deviceId: string | null;
  /** From the device's summary; null when the device has none yet. */
  state: string | null;
  worstRank: number;
  primaryRule: string | null;
  /** The user's latest report on it, and how many of the reports read were theirs on it. */
  lastSeenAt: string;
  lastReportId: string;
  reports: number;
}

export interface UserDevices {
  userPrincipalName: string;
  devices: UserDevice[];
  /** More reports than REPORTS_READ: the oldest machines may be missing. */
  truncated: boolean;
  /** More machines than DEVICES_SHOWN among the reports read. */
  moreDevices: boolean;
}

/**
 * The machines a user signs in on: the devices whose reports were captured in their session (ReportUser, indexed by
 * (tenantRef, userPrincipalName, capturedAt)), newest first, each with its summary's state and primary cause.
 */
export async function findUserDevices(direct: DirectDb, options: { tenantRef: string; userPrincipalName: string }): Promise<UserDevices> {
  const upn = options.userPrincipalName.trim().toLowerCase();
  // A stored report is a run of uploads that said the same (decision 013): each counts its uploads.
  const rows = await direct.query<{ reportRef: string; deviceId: string | null; hostname: string; capturedAt: unknown; uploads: unknown }>(
    `SELECT u."reportRef", u."deviceId", u."hostname", u."capturedAt", COALESCE(r."uploadCount", 1) AS "uploads"
       FROM "ReportUser" u LEFT JOIN "DeviceReport" r ON r."id" = u."reportRef"
      WHERE u."tenantRef" = ? AND u."userPrincipalName" = ? ORDER BY u."capturedAt" DESC LIMIT ${REPORTS_READ + 1}`,
    [options.tenantRef, upn],
  );
  const truncated = rows.length > REPORTS_READ;
  const bySubject = new Map<string, Omit<UserDevice, "name" | "state" | "worstRank" | "primaryRule">>();
  for (const r of rows.slice(0, REPORTS_READ)) {
    const key = reportSubjectKey(r.deviceId, r.hostname);
    const seen = bySubject.get(key);
    const uploads = Number(r.uploads);
    if (seen) seen.reports += uploads;
    else
      bySubject.set(key, {
        subjectKey: key,
        hostname: r.hostname,
        deviceId: r.deviceId,
        lastSeenAt: readDate(r.capturedAt)!.toISOString(),
        lastReportId: r.reportRef,
        reports: uploads,
      });
  }
  // A shared account (a kiosk user, a helpdesk technician) can sign in on hundreds of machines: the newest DEVICES_SHOWN.
  const keys = [...bySubject.keys()].slice(0, DEVICES_SHOWN);
  const summaries = new Map<string, { name: string; state: string; worstRank: number; primaryRule: string | null }>();
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    // No ORDER BY: sorting by rowKey made SQLite walk the primary key through every device of the tenant instead of
    // looking the few subjects up (bench/RESULTS.md, "Figures behind choices in the code"); two objects sharing a deviceId are
    // ordered here instead (the lower rowKey, as the Devices list shows them).
    const found = await direct.query<{ subjectKey: string; rowKey: string; name: string; state: string; worstRank: unknown; primaryRule: string | null }>(
      `SELECT "subjectKey", "rowKey", "name", "state", "worstRank", "primaryRule" FROM "DeviceSummary" WHERE "tenantRef" = ? AND "subjectKey" IN (${chunk.map(() => "?").join(", ")})`,
      [options.tenantRef, ...chunk],
    );
    found.sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
    for (const s of found)
      if (!summaries.has(s.subjectKey))
        summaries.set(s.subjectKey, { name: s.name, state: s.state, worstRank: Number(s.worstRank), primaryRule: s.primaryRule });
  }
  return {
    userPrincipalName: upn,
    truncated,
    moreDevices: bySubject.size > DEVICES_SHOWN,
    devices: [...bySubject.values()].slice(0, DEVICES_SHOWN).map((d) => {
      const s = summaries.get(d.subjectKey);
      return { ...d, name: s?.name ?? d.hostname, state: s?.state ?? null, worstRank: s?.worstRank ?? 9, primaryRule: s?.primaryRule ?? null };
    }),
  };
}
