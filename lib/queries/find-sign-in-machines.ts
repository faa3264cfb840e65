import "server-only";
import { readDate, type DirectDb } from "@/lib/db/direct";
import { subjectKeyFor } from "@/lib/rules/subject-key";
import { periodStart, type SignInListParams } from "@/lib/url-params/sign-in-list-params";
import { ROW_LIMIT } from "./find-sign-in-summary";

export interface SignInMachine {
  /** The machine's registration id (its report's, else the one the sign-ins presented), or null for a machine known by host name only. */
  deviceId: string | null;
  hostname: string | null;
  /** How the sign-ins found it: presented-device | user-and-time | none (a presented device no report names). */
  linkedBy: string;
  /** The device page, or null when JoinScope has none for it. */
  subjectKey: string | null;
  signIns: number;
  lastAt: string;
  /** The causes of its blocked sign-ins, most first. */
  causes: { cause: string; causeLabel: string; signIns: number }[];
}

/**
 * The machines involved in one user's blocked sign-ins over the period (the Sign-ins view filtered by user): each
 * machine the sign-ins were tied to, or the device they presented, with how many, the latest, and their causes. Reads
 * the user's own rows through the (tenantRef, userPrincipalName, createdDateTime) index.
 */
export async function findSignInMachines(
  direct: DirectDb,
  options: { tenantRef: string; user: string; params: Pick<SignInListParams, "period">; now: Date },
): Promise<SignInMachine[]> {
  const since = periodStart(options.params.period, options.now);
  const rows = await direct.query<{
    createdDateTime: unknown;
    cause: string;
    causeLabel: string;
    machineDeviceId: string | null;
    machineHostname: string | null;
    deviceId: string | null;
    deviceDisplayName: string | null;
    linkedBy: string;
  }>(
    `SELECT "createdDateTime", "cause", "causeLabel", "machineDeviceId", "machineHostname", "deviceId", "deviceDisplayName", "linkedBy" FROM "SignInEvent"${direct.dialect === "sqlite" ? ` INDEXED BY "SignInEvent_tenantRef_userPrincipalName_createdDateTime_idx"` : ""}
      WHERE "tenantRef" = ? AND "userPrincipalName" = ? AND "createdDateTime" >= ? LIMIT ${ROW_LIMIT}`,
    [options.tenantRef, options.user.toLowerCase(), since],
  );
  const machines = new Map<string, SignInMachine>();
  for (const r of rows) {
    const joined = r.linkedBy !== "none" && (r.machineDeviceId || r.machineHostname);
    const deviceId = joined ? r.machineDeviceId : r.deviceId;
    const hostname = joined ? r.machineHostname : r.deviceDisplayName || null;
    const key = deviceId ? `d:${deviceId}` : hostname ? `h:${hostname.toLowerCase()}` : "none";
    const at = readDate(r.createdDateTime)!.toISOString();
    let m = machines.get(key);
    if (!m) {
      machines.set(
        key,
        (m = {
          deviceId,
          hostname,
          linkedBy: joined ? r.linkedBy : "none",
          subjectKey: joined ? subjectKeyFor(deviceId, null, hostname) : null,
          signIns: 0,
          lastAt: at,
          causes: [],
        }),
      );
    }
    // The same machine, found by a report this time: its link and page win over a bare presented device.
    if (joined && m.linkedBy === "none")
      Object.assign(m, { linkedBy: r.linkedBy, hostname: hostname ?? m.hostname, subjectKey: subjectKeyFor(deviceId, null, hostname) });
    m.signIns++;
    if (at > m.lastAt) m.lastAt = at;
    const c = m.causes.find((x) => x.cause === r.cause && x.causeLabel === r.causeLabel);
    if (c) c.signIns++;
    else m.causes.push({ cause: r.cause, causeLabel: r.causeLabel, signIns: 1 });
  }
  // A presented device no report names still has a page when the directory holds it.
  const unjoined = [...machines.values()].filter((m) => m.subjectKey === null && m.deviceId);
  if (unjoined.length) {
    const ids = unjoined.map((m) => m.deviceId!);
    const known = new Set(
      (
        await direct.query<{ deviceId: string }>(
          `SELECT DISTINCT "deviceId" FROM "DirectoryDevice" WHERE "tenantRef" = ? AND "deviceId" IN (${ids.map(() => "?").join(", ")})`,
          [options.tenantRef, ...ids],
        )
      ).map((r) => r.deviceId),
    );
    for (const m of unjoined) if (known.has(m.deviceId!)) m.subjectKey = subjectKeyFor(m.deviceId, null, null);
  }
  for (const m of machines.values()) m.causes.sort((a, b) => b.signIns - a.signIns || a.cause.localeCompare(b.cause));
  return [...machines.values()].sort((a, b) => b.signIns - a.signIns || (a.lastAt < b.lastAt ? 1 : -1));
}
