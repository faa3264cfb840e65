import "server-only";
import { readDate, type DirectDb } from "@/lib/db/direct";
import { reportSubjectKey } from "@/lib/rules/subject-key";

/** The newest reports of a user read for their page: a user with one machine reporting hourly fills 30 days with 720. */
const REPORTS_READ = 2000;

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
}

/**
 * The machines a user signs in on: the devices whose reports were captured in their session (ReportUser, indexed by
 * (tenantRef, userPrincipalName, capturedAt)), newest first, each with its summary's state and primary cause.
 */
export async function findUserDevices(direct: DirectDb, options: { tenantRef: string; userPrincipalName: string }): Promise<UserDevices> {
  const upn = options.userPrincipalName.trim().toLowerCase();
  const rows = await direct.query<{ reportRef: string; deviceId: string | null; hostname: string; capturedAt: unknown }>(
    `SELECT "reportRef", "deviceId", "hostname", "capturedAt" FROM "ReportUser" WHERE "tenantRef" = ? AND "userPrincipalName" = ? ORDER BY "capturedAt" DESC LIMIT ${REPORTS_READ + 1}`,
    [options.tenantRef, upn],
  );
  const truncated = rows.length > REPORTS_READ;
  const bySubject = new Map<string, Omit<UserDevice, "name" | "state" | "worstRank" | "primaryRule">>();
  for (const r of rows.slice(0, REPORTS_READ)) {
    const key = reportSubjectKey(r.deviceId, r.hostname);
    const seen = bySubject.get(key);
    if (seen) seen.reports++;
    else bySubject.set(key, { subjectKey: key, hostname: r.hostname, deviceId: r.deviceId, lastSeenAt: readDate(r.capturedAt)!.toISOString(), lastReportId: r.reportRef, reports: 1 });
  }
  const keys = [...bySubject.keys()];
  const summaries = new Map<string, { name: string; state: string; worstRank: number; primaryRule: string | null }>();
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const found = await direct.query<{ subjectKey: string; name: string; state: string; worstRank: unknown; primaryRule: string | null }>(
      `SELECT "subjectKey", "name", "state", "worstRank", "primaryRule" FROM "DeviceSummary" WHERE "tenantRef" = ? AND "subjectKey" IN (${chunk.map(() => "?").join(", ")}) ORDER BY "rowKey"`,
      [options.tenantRef, ...chunk],
    );
    for (const s of found) if (!summaries.has(s.subjectKey)) summaries.set(s.subjectKey, { name: s.name, state: s.state, worstRank: Number(s.worstRank), primaryRule: s.primaryRule });
  }
  return {
    userPrincipalName: upn,
    truncated,
    devices: [...bySubject.values()].map((d) => {
      const s = summaries.get(d.subjectKey);
      return { ...d, name: s?.name ?? d.hostname, state: s?.state ?? null, worstRank: s?.worstRank ?? 9, primaryRule: s?.primaryRule ?? null };
    }),
  };
}
