import "server-only";
import type { Db } from "@/lib/db/client";
import { toDirectoryObject } from "./directory-object-from-graph";
import type { AgentEvent, ParsedDsregcmd } from "@/lib/reports/types";
import type { DeviceRuleSettings, DeviceSubject, DirectoryObject } from "@/lib/rules/device-subject";
import type { SyncScope } from "@/lib/rules/sync-scope";
import { chunk } from "@/lib/db/in-list";

/** A subject is what findings are about: a registration id, an object without one, or a host that never joined. */
export interface LoadedSubject {
  key: string;
  deviceId: string | null;
  objectId: string | null;
  hostname: string | null;
  subject: DeviceSubject;
}

const DEVICE_SELECT = {
  objectId: true,
  deviceId: true,
  displayName: true,
  accountEnabled: true,
  trustType: true,
  profileType: true,
  registrationDateTime: true,
  approximateLastSignInDateTime: true,
  operatingSystem: true,
  operatingSystemVersion: true,
  onPremisesSyncEnabled: true,
  onPremisesLastSyncDateTime: true,
  physicalIds: true,
  thumbprint: true,
  hardwareId: true,
  isPending: true,
  hasBitlockerKeys: true,
  hasLapsPassword: true,
  deletedAt: true,
  deletedReason: true,
  isManaged: true,
  isCompliant: true,
  mdmAppId: true,
  alternativeSecurityIds: true,
} as const;

type DeviceRow = Awaited<ReturnType<Db["directoryDevice"]["findMany"]>>[number];

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function subjectKeyFor(deviceId: string | null, objectId: string | null, hostname: string | null): string {
  if (deviceId) return `d:${deviceId}`;
  if (objectId) return `o:${objectId}`;
  return `h:${(hostname ?? "").toLowerCase()}`;
}

interface ReportHead {
  id: string;
  key: string;
  deviceId: string | null;
  hostname: string;
  objectGuid: string | null;
  capturedAt: Date;
  receivedAt: Date;
}

/** Everything but the report bodies: small enough to hold for 100,000 devices. */
export interface SubjectContext {
  tenantId: string;
  settings: Omit<DeviceRuleSettings, "now">;
  /** Subject keys in evaluation order. */
  keys: string[];
  build(keys: string[]): Promise<LoadedSubject[]>;
}

/**
 * Builds the rule inputs for a tenant's devices from the database: every subject (scope "all") or only
 * those touching the given registration ids / object ids / hostnames (incremental re-evaluation).
 * Phase one reads the directory and the report heads in bulk; `build(keys)` then reads the report bodies
 * of one batch of subjects, so memory stays bounded however large the tenant.
 */
export async function loadSubjectContext(
  db: Db,
  options: { tenantRef: string; scope: "all" | { deviceIds?: string[]; objectIds?: string[]; hostnames?: string[] } },
): Promise<SubjectContext> {
  const { tenantRef, scope } = options;
  const tenant = await db.tenant.findUniqueOrThrow({
    where: { id: tenantRef },
    select: { tenantId: true, syncScope: true, staleThresholdDays: true, agentIntervalMinutes: true, lastSyncAt: true },
  });
  const tenantHasAgents = (await db.deviceReport.findFirst({ where: { tenantRef }, select: { id: true } })) !== null;
  const settings: Omit<DeviceRuleSettings, "now"> = {
    syncScope: (tenant.syncScope ?? null) as SyncScope | null,
    staleThresholdDays: tenant.staleThresholdDays,
    agentIntervalMinutes: tenant.agentIntervalMinutes,
    tenantHasAgents,
    directorySyncedAt: iso(tenant.lastSyncAt),
  };

  // 1. Directory objects in scope, plus every object sharing a machine identity with them (duplicates).
  let devices: DeviceRow[];
  if (scope === "all") {
    devices = (await db.directoryDevice.findMany({ where: { tenantRef }, select: DEVICE_SELECT })) as DeviceRow[];
  } else {
    const deviceIds = [...new Set(scope.deviceIds ?? [])];
    const objectIds = [...new Set(scope.objectIds ?? [])];
    const hostnames = [...new Set((scope.hostnames ?? []).map((h) => h.toUpperCase()))];
    const direct: DeviceRow[] = [];
    for (const part of chunk(deviceIds)) direct.push(...((await db.directoryDevice.findMany({ where: { tenantRef, deviceId: { in: part } }, select: DEVICE_SELECT })) as DeviceRow[]));
    for (const part of chunk(objectIds)) direct.push(...((await db.directoryDevice.findMany({ where: { tenantRef, objectId: { in: part } }, select: DEVICE_SELECT })) as DeviceRow[]));
    const hw = [...new Set(direct.map((d) => d.hardwareId).filter((v): v is string => !!v))];
    const names = [...new Set([...direct.map((d) => d.displayName).filter((v): v is string => !!v), ...hostnames])];
    const related: DeviceRow[] = [];
    for (const part of chunk(hw)) related.push(...((await db.directoryDevice.findMany({ where: { tenantRef, hardwareId: { in: part } }, select: DEVICE_SELECT })) as DeviceRow[]));
    for (const part of chunk(names)) related.push(...((await db.directoryDevice.findMany({ where: { tenantRef, displayName: { in: part } }, select: DEVICE_SELECT })) as DeviceRow[]));
    const byObject = new Map<string, DeviceRow>();
    for (const d of [...direct, ...related]) byObject.set(d.objectId, d);
    devices = [...byObject.values()];
  }
  const objects = devices.map(toDirectoryObject);
  devices = [];

  // 2. Report heads: the latest report per device (per hostname for reports without a registration id).
  const reportWhere =
    scope === "all"
      ? [{ tenantRef }]
      : [
          ...chunk([...new Set([...(scope.deviceIds ?? []), ...objects.map((o) => o.deviceId).filter((v): v is string => !!v)])]).map((part) => ({ tenantRef, deviceId: { in: part } })),
          ...chunk([...new Set(scope.hostnames ?? [])]).map((part) => ({ tenantRef, deviceId: null, hostname: { in: part } })),
        ];
  const latest = new Map<string, ReportHead>();
  for (const where of reportWhere) {
    const heads = await db.deviceReport.findMany({ where, select: { id: true, deviceId: true, hostname: true, objectGuid: true, capturedAt: true, receivedAt: true } });
    for (const h of heads) {
      const key = h.deviceId ? `d:${h.deviceId}` : `h:${h.hostname.toLowerCase()}`;
      const prev = latest.get(key);
      if (!prev || h.capturedAt > prev.capturedAt || (h.capturedAt.getTime() === prev.capturedAt.getTime() && h.id > prev.id)) {
        latest.set(key, { ...h, key, receivedAt: prev && prev.receivedAt > h.receivedAt ? prev.receivedAt : h.receivedAt });
      } else if (h.receivedAt > prev.receivedAt) {
        prev.receivedAt = h.receivedAt;
      }
    }
  }

  // 3. Deletion history, only for objects that are gone (the rules use it to say when and who).
  const history = new Map<string, DeviceSubject["history"]>();
  const deletedIds = objects.filter((o) => o.deletedAt).map((o) => o.objectId);
  for (const part of chunk(deletedIds)) {
    for (const c of await db.directoryChange.findMany({ where: { tenantRef, objectId: { in: part } }, select: { objectId: true, kind: true, at: true, detail: true } })) {
      const list = history.get(c.objectId) ?? [];
      list.push({ kind: c.kind, at: c.at.toISOString(), detail: c.detail });
      history.set(c.objectId, list);
    }
  }

  // 4. Indexes, and which object each report subject claims.
  const byDeviceId = new Map<string, DirectoryObject[]>();
  const byHardware = new Map<string, DirectoryObject[]>();
  const byName = new Map<string, DirectoryObject[]>();
  const push = (m: Map<string, DirectoryObject[]>, k: string | null, o: DirectoryObject) => {
    if (!k) return;
    const list = m.get(k) ?? [];
    list.push(o);
    m.set(k, list);
  };
  for (const o of objects) {
    push(byDeviceId, o.deviceId, o);
    push(byHardware, o.hardwareId, o);
    push(byName, o.displayName?.toUpperCase() ?? null, o);
  }
  const pickLive = (list: DirectoryObject[] | undefined) =>
    list?.length ? [...list].sort((a, b) => Number(!!a.deletedAt) - Number(!!b.deletedAt) || (b.deletedAt ?? "").localeCompare(a.deletedAt ?? "") || a.objectId.localeCompare(b.objectId))[0]! : null;
  const shortName = (h: string) => h.split(".")[0]!.toUpperCase();
  const related = (o: DirectoryObject | null) => {
    const set = new Map<string, DirectoryObject>();
    if (o) {
      for (const x of byHardware.get(o.hardwareId ?? "") ?? []) set.set(x.objectId, x);
      for (const x of byName.get(o.displayName?.toUpperCase() ?? "") ?? []) set.set(x.objectId, x);
      set.delete(o.objectId);
    }
    return [...set.values()];
  };

  // Incremental runs evaluate only the subjects asked for; related objects are context, not subjects.
  const inScope =
    scope === "all"
      ? null
      : new Set([
          ...(scope.deviceIds ?? []).map((d) => `d:${d}`),
          ...(scope.objectIds ?? []).map((o) => `o:${o}`),
          ...(scope.hostnames ?? []).map((h) => `h:${h.toLowerCase()}`),
          ...objects.filter((o) => (scope.objectIds ?? []).includes(o.objectId) && o.deviceId).map((o) => `d:${o.deviceId}`),
        ]);

  const reportDirectory = new Map<string, DirectoryObject | null>();
  const objectOnly = new Map<string, DirectoryObject>();
  const claimed = new Set<string>();
  const keys: string[] = [];
  for (const head of latest.values()) {
    if (inScope && !inScope.has(head.key)) continue;
    let directory = head.deviceId ? pickLive(byDeviceId.get(head.deviceId)) : null;
    // A domain-only machine prints no DeviceId; its hybrid object's deviceId is the computer's objectGUID.
    if (!directory && !head.deviceId && head.objectGuid) directory = pickLive(byDeviceId.get(head.objectGuid));
    if (directory) for (const o of byDeviceId.get(directory.deviceId ?? "") ?? [directory]) claimed.add(o.objectId);
    reportDirectory.set(head.key, directory);
    keys.push(head.key);
  }
  for (const [deviceId, list] of byDeviceId) {
    if (list.every((o) => claimed.has(o.objectId))) continue;
    const directory = pickLive(list)!;
    const key = subjectKeyFor(deviceId, directory.objectId, null);
    if (inScope && !inScope.has(key) && !list.some((o) => inScope.has(`o:${o.objectId}`))) continue;
    for (const o of list) claimed.add(o.objectId);
    objectOnly.set(key, directory);
    keys.push(key);
  }
  for (const o of objects) {
    if (o.deviceId || claimed.has(o.objectId)) continue;
    const key = `o:${o.objectId}`;
    if (inScope && !inScope.has(key)) continue;
    objectOnly.set(key, o);
    keys.push(key);
  }

  async function build(batch: string[]): Promise<LoadedSubject[]> {
    const heads = batch.map((k) => latest.get(k)).filter((h): h is ReportHead => !!h && reportDirectory.has(h.key));
    const ids = heads.map((h) => h.id);
    const eventsByReport = new Map<string, AgentEvent[]>();
    const bodies = new Map<string, { parsed: unknown; systemParsed: unknown; computerDn: string | null }>();
    for (const part of chunk(ids)) {
      for (const e of await db.agentEvent.findMany({
        where: { reportRef: { in: part } },
        select: { reportRef: true, eventId: true, time: true, level: true, task: true, log: true, message: true },
      })) {
        const list = eventsByReport.get(e.reportRef) ?? [];
        list.push({ id: e.eventId, time: e.time.toISOString(), level: e.level, task: e.task, log: e.log, message: e.message });
        eventsByReport.set(e.reportRef, list);
      }
      for (const r of await db.deviceReport.findMany({ where: { id: { in: part } }, select: { id: true, parsed: true, systemParsed: true, computerDn: true } })) {
        bodies.set(r.id, r);
      }
    }
    const out: LoadedSubject[] = [];
    for (const key of batch) {
      const head = latest.get(key);
      if (head && reportDirectory.has(key)) {
        const body = bodies.get(head.id);
        if (!body) continue; // deleted between the phases
        const directory = reportDirectory.get(key) ?? null;
        out.push({
          key,
          deviceId: head.deviceId,
          objectId: directory?.objectId ?? null,
          hostname: head.hostname,
          subject: {
            tenantId: tenant.tenantId,
            report: {
              parsed: JSON.parse(body.parsed as string) as ParsedDsregcmd,
              systemParsed: body.systemParsed ? (JSON.parse(body.systemParsed as string) as ParsedDsregcmd) : null,
              capturedAt: head.capturedAt.toISOString(),
              receivedAt: head.receivedAt.toISOString(),
              hostname: head.hostname,
              computerDn: body.computerDn,
              objectGuid: head.objectGuid,
              events: eventsByReport.get(head.id) ?? [],
            },
            directory,
            history: directory ? (history.get(directory.objectId) ?? []) : [],
            otherObjects: related(directory),
            candidates: (byName.get(shortName(head.hostname)) ?? []).filter((o) => o.deviceId !== head.deviceId && o.objectId !== directory?.objectId),
            lastReportAt: head.receivedAt.toISOString(),
          },
        });
        continue;
      }
      const directory = objectOnly.get(key);
      if (!directory) continue;
      out.push({
        key,
        deviceId: directory.deviceId,
        objectId: directory.objectId,
        hostname: directory.displayName,
        subject: {
          tenantId: tenant.tenantId,
          report: null,
          directory,
          history: history.get(directory.objectId) ?? [],
          otherObjects: related(directory),
          candidates: [],
          lastReportAt: null,
        },
      });
    }
    return out;
  }

  return { tenantId: tenant.tenantId, settings, keys, build };
}
