import "server-only";
import { storedParsed, userCapture } from "@/lib/reports/stored-report-body";
import { queryIn, readDate, type DirectDb } from "@/lib/db/direct";
import { DIRECTORY_OBJECT_COLUMNS, quotedColumns } from "@/lib/db/directory-device-columns";
import { directoryObjectFromRow } from "@/lib/findings/read-directory-objects";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import type { SignInEvent, SignInMachine, SignInSubject } from "@/lib/rules/signin/sign-in-subject";
import { hostSubjectKey, subjectKeyFor } from "@/lib/rules/subject-key";

/**
 * The device context of a page of sign-ins, read in bulk (docs/domain.md, "Sign-ins blocked for their device"): the
 * directory object of each presented deviceId (deleted ones included), and each sign-in's machines: the one whose
 * reports print the presented deviceId, and those whose reports the sign-in's user captured, each with its report
 * nearest the sign-in within MACHINE_WINDOW_MS.
 */
export const MACHINE_WINDOW_MS = 24 * 3_600_000;

/** The DirectoryDevice columns directoryObjectFromRow reads (lib/findings/read-directory-objects.ts). */
const OBJECT_COLUMNS = quotedColumns(DIRECTORY_OBJECT_COLUMNS);

interface ReportRef {
  id: string;
  deviceId: string | null;
  hostname: string;
  capturedMs: number;
  linkedBy: "presented-device" | "user-and-time";
}

/** Parsed reports a run has read, by id: one machine's report answers for many of its sign-ins. */
export class ReportCache {
  private map = new Map<string, ParsedDsregcmd>();
  constructor(private readonly max = 5000) {}
  get(id: string): ParsedDsregcmd | undefined {
    return this.map.get(id);
  }
  set(id: string, report: ParsedDsregcmd): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(id, report);
  }
}

export interface LoadedSignIn {
  subject: SignInSubject;
  /** The machine the sign-in is shown under: the presented device's, else the first of the user's. */
  machine: SignInMachine | null;
}

export async function loadSignInContext(
  direct: DirectDb,
  options: {
    tenantRef: string;
    events: readonly SignInEvent[];
    cache: ReportCache;
    /** The directory was synced: a presented deviceId it does not hold is gone, not just unknown. */
    directorySynced: boolean;
  },
): Promise<LoadedSignIn[]> {
  const { tenantRef, events, cache } = options;
  if (events.length === 0) return [];
  const times = events.map((e) => Date.parse(e.createdDateTime));
  const from = new Date(Math.min(...times) - MACHINE_WINDOW_MS);
  const to = new Date(Math.max(...times) + MACHINE_WINDOW_MS);
  const presentedIds = [...new Set(events.map((e) => e.device.deviceId).filter((d): d is string => d !== null))];
  const users = [...new Set(events.map((e) => e.userPrincipalName?.toLowerCase()).filter((u): u is string => !!u))];

  // Reports around the page's time of the presented devices, and of the users.
  const byDevice = new Map<string, ReportRef[]>();
  for (const r of await queryIn<{ id: string; deviceId: string; hostname: string; capturedAt: unknown }>(
    direct,
    `SELECT "id", "deviceId", "hostname", "capturedAt" FROM "DeviceReport" WHERE "tenantRef" = ? AND "capturedAt" >= ? AND "capturedAt" <= ? AND {in}`,
    "deviceId",
    presentedIds,
    [tenantRef, from, to],
  )) {
    push(byDevice, r.deviceId, {
      id: r.id,
      deviceId: r.deviceId,
      hostname: r.hostname,
      capturedMs: readDate(r.capturedAt)!.getTime(),
      linkedBy: "presented-device",
    });
  }
  const byUser = new Map<string, ReportRef[]>();
  for (const r of await queryIn<{ reportRef: string; userPrincipalName: string; deviceId: string | null; hostname: string; capturedAt: unknown }>(
    direct,
    `SELECT "reportRef", "userPrincipalName", "deviceId", "hostname", "capturedAt" FROM "ReportUser" WHERE "tenantRef" = ? AND "capturedAt" >= ? AND "capturedAt" <= ? AND {in}`,
    "userPrincipalName",
    users,
    [tenantRef, from, to],
  )) {
    push(byUser, r.userPrincipalName, {
      id: r.reportRef,
      deviceId: r.deviceId,
      hostname: r.hostname,
      capturedMs: readDate(r.capturedAt)!.getTime(),
      linkedBy: "user-and-time",
    });
  }

  // Each sign-in's machines: per machine (deviceId, else hostname) the report nearest the sign-in.
  const chosen = events.map((event, i) => {
    const t = times[i]!;
    const candidates = [
      ...(event.device.deviceId ? (byDevice.get(event.device.deviceId) ?? []) : []),
      ...(event.userPrincipalName ? (byUser.get(event.userPrincipalName.toLowerCase()) ?? []) : []),
    ];
    const nearest = new Map<string, ReportRef>();
    for (const c of candidates) {
      if (Math.abs(c.capturedMs - t) > MACHINE_WINDOW_MS) continue;
      const key = c.deviceId ?? hostSubjectKey(c.hostname);
      const best = nearest.get(key);
      // The presented device's own link wins over the same machine found by user; then the nearest report.
      if (
        !best ||
        (c.linkedBy === "presented-device" && best.linkedBy !== "presented-device") ||
        (c.linkedBy === best.linkedBy && Math.abs(c.capturedMs - t) < Math.abs(best.capturedMs - t))
      )
        nearest.set(key, c);
    }
    return [...nearest.values()].sort(
      (a, b) =>
        Number(b.linkedBy === "presented-device") - Number(a.linkedBy === "presented-device") ||
        Math.abs(a.capturedMs - t) - Math.abs(b.capturedMs - t) ||
        (a.id < b.id ? -1 : 1),
    );
  });

  // Their parsed reports (cached across pages), and every object they and the sign-ins name.
  const missing = [...new Set(chosen.flat().map((r) => r.id))].filter((id) => !cache.get(id));
  for (const r of await queryIn<{ id: string; parsed: string; dsregcmdText: string; textZ: Uint8Array | null }>(
    direct,
    `SELECT "id", "parsed", "dsregcmdText", "textZ" FROM "DeviceReport" WHERE {in}`,
    "id",
    missing,
  )) {
    // An old state change whose text retention dropped reads as no report (decision 013).
    const parsed = storedParsed(userCapture(r));
    if (parsed) cache.set(r.id, parsed);
  }
  const deviceIds = [
    ...new Set([
      ...presentedIds,
      ...chosen
        .flat()
        .map((r) => r.deviceId)
        .filter((d): d is string => d !== null),
    ]),
  ];
  const objects = new Map<string, DirectoryObject>();
  for (const row of await queryIn(direct, `SELECT ${OBJECT_COLUMNS} FROM "DirectoryDevice" WHERE "tenantRef" = ? AND {in}`, "deviceId", deviceIds, [
    tenantRef,
  ])) {
    const object = directoryObjectFromRow(row);
    const key = object.deviceId!.toLowerCase();
    const held = objects.get(key);
    // A live object wins over a deleted one with the same deviceId; among deleted ones, the latest deletion.
    if (!held || (held.deletedAt !== null && (object.deletedAt === null || object.deletedAt > held.deletedAt))) objects.set(key, object);
  }

  return events.map((signIn, i) => {
    const machines: SignInMachine[] = [];
    for (const ref of chosen[i]!) {
      const report = cache.get(ref.id);
      if (!report) continue;
      machines.push({
        hostname: ref.hostname,
        deviceId: ref.deviceId,
        report,
        capturedAt: new Date(ref.capturedMs).toISOString(),
        directory: ref.deviceId ? (objects.get(ref.deviceId) ?? null) : null,
        linkedBy: ref.linkedBy,
        subjectKey: subjectKeyFor(ref.deviceId, null, ref.hostname),
      });
    }
    const presented = signIn.device.deviceId;
    const object = presented ? objects.get(presented) : undefined;
    const subject: SignInSubject = {
      signIn,
      machines,
      ...(object ? { presentedObject: object } : presented && options.directorySynced ? { presentedObject: null } : {}),
    };
    const machine = machines.find((m) => m.linkedBy === "presented-device") ?? machines[0] ?? null;
    return { subject, machine };
  });
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
