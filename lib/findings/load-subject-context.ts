import "server-only";
import { directDb, queryIn, readIsoTimestamp, readJson, type DirectDb, type Row } from "@/lib/db/direct";
import { isLaterReport, latestReportHeadsSql } from "@/lib/db/latest-report-sql";
import { readIso } from "@/lib/db/read-iso";
import type { AgentEvent } from "@/lib/reports/types";
import type { DeviceRuleSettings, DeviceSubject, DirectoryObject } from "@/lib/rules/device-subject";
import { shortName } from "@/lib/rules/join-rules/directory-evidence";
import { isSameMachine } from "@/lib/rules/join-rules/duplicate-device";
import { deviceSubjectKey, hostSubjectKey, objectSubjectKey, reportSubjectKey, subjectKeyFor } from "@/lib/rules/subject-key";
import type { SyncScope } from "@/lib/rules/sync-scope";
import type { LoadedSubject } from "./loaded-subject";
import { parseRawSubject, type RawCapture, type RawSubject } from "./raw-subject";
import { storedText, systemCapture, userCapture, type StoredCapture } from "@/lib/reports/stored-report-body";
import { readDirectoryObjects, type ObjectScope } from "./read-directory-objects";
import { takeCapture, type RecentCapture } from "./recent-captures";

/**
 * The join at the heart of JoinScope: which directory objects and which reports are one machine, and so one subject
 * of findings. Reads go through the driver (lib/db/direct.ts), not Prisma: a full pass reads 100,000 directory objects
 * and as many report bodies, and Prisma's client runtime cost more than the database did (bench/RESULTS.md).
 *
 * loadSubjectContext runs five phases, then hands out the subjects a batch at a time:
 * 1. readDirectoryObjects: the objects in scope and their duplicates (read-directory-objects.ts);
 * 2. readReportHeads: each device's latest report and when it last reported;
 * 3. readDeletionHistory: what the sync recorded about the objects that are gone;
 * 4. indexMachines: the objects by registration id, hardware id and short name, and which are one machine;
 * 5. assignSubjects: each report head's object, then the objects no report claims, as subject keys.
 */

export type { LoadedSubject } from "./loaded-subject";

interface ReportHead {
  id: string;
  key: string;
  deviceId: string | null;
  hostname: string;
  objectGuid: string | null;
  /** ISO 8601 (readIso), as are all times here: in that one form, comparing the strings compares the times. */
  capturedAt: string;
  /** The latest receivedAt of any of the subject's reports: when the machine last reported. */
  receivedAt: string;
}

/**
 * One subject of a batch whose rows are read but whose report JSON is not parsed yet: `load()` parses it. A pass
 * loads, evaluates and drops one subject at a time, so the parsed reports (~70 objects each) die young instead of
 * being copied by every young-generation collection while a whole batch waits.
 */
export interface PendingSubject {
  key: string;
  load(): LoadedSubject;
  /** The same subject with its report bodies as the stored JSON text (raw-subject.ts), for another thread. */
  raw(): RawSubject;
}

/** Everything but the report bodies: small enough to hold for 100,000 devices. */
export interface SubjectContext {
  tenantId: string;
  settings: Omit<DeviceRuleSettings, "now">;
  /** Subject keys in evaluation order. */
  keys: string[];
  /** Reads the rows of one batch of subjects (report bodies and events); subjects deleted meanwhile are left out. */
  build(keys: string[]): Promise<PendingSubject[]>;
  /**
   * Every subject of `keys`, in order, `size` at a time (build's batches): each batch's rows are requested before the
   * previous batch is handed over, so on PostgreSQL the server reads them while the caller works on that one.
   */
  batches(size: number): AsyncGenerator<PendingSubject[]>;
}

export type SubjectScope = ObjectScope;

/**
 * Builds the rule inputs for a tenant's devices from the database: every subject (scope "all") or only
 * those touching the given registration ids / object ids / hostnames (incremental re-evaluation).
 * The phases read the directory and the report heads in bulk; `build(keys)` then reads the report bodies
 * of one batch of subjects, so memory stays bounded however large the tenant.
 */
export async function loadSubjectContext(options: { tenantRef: string; scope: SubjectScope; direct?: DirectDb }): Promise<SubjectContext> {
  const { tenantRef, scope } = options;
  const direct = options.direct ?? directDb();
  const { tenantId, settings } = await readTenantSettings(direct, tenantRef);
  const objects = await readDirectoryObjects(direct, tenantRef, scope);
  const heads = await readReportHeads(direct, tenantRef, scope, objects);
  const history = await readDeletionHistory(direct, tenantRef, objects);
  const machines = indexMachines(objects);
  const assigned = assignSubjects(scope, objects, heads, machines);

  async function build(batch: string[]): Promise<PendingSubject[]> {
    const ids: string[] = [];
    for (const k of batch) {
      const h = heads.get(k);
      if (h && assigned.reportDirectory.has(k)) ids.push(h.id);
    }
    const { eventsByReport, bodies } = await readReportBodies(direct, ids);
    const out: PendingSubject[] = [];
    for (const key of batch) {
      const head = heads.get(key);
      if (head && assigned.reportDirectory.has(key)) {
        const body = bodies.get(head.id);
        if (!body) continue; // deleted between the phases
        // The upload that stored this text in this process handed its parsed form over (recent-captures.ts).
        const recent = takeCapture(head.id, { textZ: bytesOrNull(body.textZ), systemTextZ: bytesOrNull(body.systemTextZ) });
        const raw = () => rawReportSubject(head, body, eventsByReport.get(head.id) ?? [], recent);
        out.push({ key, raw, load: () => parseRawSubject(raw()) });
        continue;
      }
      const directory = assigned.objectOnly.get(key);
      if (!directory) continue;
      const loaded = (): LoadedSubject => ({
        key,
        deviceId: directory.deviceId,
        objectId: directory.objectId,
        hostname: directory.displayName,
        subject: {
          tenantId,
          report: null,
          directory,
          history: history.get(directory.objectId) ?? [],
          otherObjects: machines.related(directory),
          candidates: [],
          lastReportAt: null,
        },
      });
      out.push({ key, load: loaded, raw: () => loaded() as RawSubject });
    }
    return out;
  }

  function rawReportSubject(head: ReportHead, body: Row, events: AgentEvent[], recent: RecentCapture | null): RawSubject {
    const directory = assigned.reportDirectory.get(head.key) ?? null;
    const receivedAt = head.receivedAt;
    return {
      key: head.key,
      deviceId: head.deviceId,
      objectId: directory?.objectId ?? null,
      hostname: head.hostname,
      subject: {
        tenantId,
        report: {
          parsed: recent ? { json: null, text: null, parsed: recent.report } : rawCapture(userCapture(body)),
          systemParsed: recent
            ? recent.system && { json: null, text: null, parsed: recent.system }
            : body.systemParsed || body.systemText || body.systemTextZ
              ? rawCapture(systemCapture(body))
              : null,
          capturedAt: head.capturedAt,
          receivedAt,
          hostname: head.hostname,
          computerDn: str(body.computerDn),
          objectGuid: head.objectGuid,
          events,
        },
        directory,
        history: directory ? (history.get(directory.objectId) ?? []) : [],
        otherObjects: machines.related(directory),
        // Pointed out when the report's own object is missing or deleted (object-deleted); a live object is the match,
        // and the objects sharing its name are in otherObjects already.
        candidates:
          directory && !directory.deletedAt
            ? []
            : (machines.byName.get(shortName(head.hostname) ?? "") ?? []).filter((o) => o.deviceId !== head.deviceId && o.objectId !== directory?.objectId),
        lastReportAt: receivedAt,
      },
    };
  }

  async function* batches(size: number): AsyncGenerator<PendingSubject[]> {
    const keys = assigned.keys;
    let next: Promise<PendingSubject[]> | null = keys.length > 0 ? build(keys.slice(0, size)) : null;
    for (let start = 0; next; start += size) {
      const current = next;
      next = start + size < keys.length ? build(keys.slice(start + size, start + 2 * size)) : null;
      // Awaited on the next turn; a caller that stops before then leaves no unhandled rejection behind.
      next?.catch(() => undefined);
      yield await current;
    }
  }

  return { tenantId, settings, keys: assigned.keys, build, batches };
}

const bytesOrNull = (value: unknown) => (value instanceof Uint8Array ? value : null);

const str = (value: unknown) => (value === null || value === undefined ? null : (value as string));

/** The tenant's rule settings, and whether any agent of it ever reported (silent-device needs agents to exist). */
async function readTenantSettings(direct: DirectDb, tenantRef: string): Promise<{ tenantId: string; settings: Omit<DeviceRuleSettings, "now"> }> {
  const [tenant] = await direct.query(
    `SELECT "tenantId", "syncScope", "staleThresholdDays", "agentIntervalMinutes", "lastSyncAt" FROM "Tenant" WHERE "id" = ?`,
    [tenantRef],
  );
  if (!tenant) throw new Error(`loadSubjectContext: no tenant ${tenantRef}`);
  const tenantHasAgents = (await direct.query(`SELECT 1 AS "one" FROM "DeviceReport" WHERE "tenantRef" = ? LIMIT 1`, [tenantRef])).length > 0;
  return {
    tenantId: tenant.tenantId as string,
    settings: {
      syncScope: readJson<SyncScope>(tenant.syncScope),
      staleThresholdDays: Number(tenant.staleThresholdDays),
      agentIntervalMinutes: Number(tenant.agentIntervalMinutes),
      tenantHasAgents,
      directorySyncedAt: readIso(tenant.lastSyncAt),
    },
  };
}

/**
 * Phase 2: the report heads, by subject key: the latest report per device (per host name for reports without a
 * registration id, lib/db/latest-report-sql.ts), with the last time any report of it arrived. An incremental scope
 * reads the heads of its registration ids, of its objects' and of its host names.
 */
async function readReportHeads(direct: DirectDb, tenantRef: string, scope: SubjectScope, objects: DirectoryObject[]): Promise<Map<string, ReportHead>> {
  const headRows =
    scope === "all"
      ? [
          ...(await readAllHeads(direct, latestReportHeadsSql("deviceId", ""), tenantRef)),
          ...(await readAllHeads(direct, latestReportHeadsSql("hostname", ""), tenantRef)),
        ]
      : [
          ...(await queryIn(
            direct,
            latestReportHeadsSql("deviceId", " AND {in}"),
            "deviceId",
            [...new Set([...(scope.deviceIds ?? []), ...objects.map((o) => o.deviceId).filter((v): v is string => !!v)])],
            [tenantRef],
          )),
          ...(await queryIn(direct, latestReportHeadsSql("hostname", " AND {in}"), "hostname", [...new Set(scope.hostnames ?? [])], [tenantRef])),
        ];
  const latest = new Map<string, ReportHead>();
  for (const r of headRows) {
    const deviceId = str(r.deviceId);
    const hostname = r.hostname as string;
    const key = reportSubjectKey(deviceId, hostname);
    const id = r.id as string;
    const capturedAt = readIsoTimestamp(r.capturedAt)!;
    const receivedAt = readIsoTimestamp(r.receivedAt)!;
    const prev = latest.get(key);
    if (!prev || isLaterReport({ capturedAt, id }, prev)) {
      latest.set(key, {
        id,
        key,
        deviceId,
        hostname,
        objectGuid: str(r.objectGuid),
        capturedAt,
        receivedAt: prev && prev.receivedAt > receivedAt ? prev.receivedAt : receivedAt,
      });
    } else if (receivedAt > prev.receivedAt) {
      prev.receivedAt = receivedAt;
    }
  }
  return latest;
}

/**
 * Every report head of a tenant (latestReportHeadsSql's columns), read as arrays: one head per device, so a full pass
 * reads 100,000, and on PostgreSQL their times stay text rather than becoming Dates (readIsoTimestamp).
 */
async function readAllHeads(direct: DirectDb, sql: string, tenantRef: string): Promise<Row[]> {
  return (await direct.queryArrays(sql, [tenantRef])).map(([id, deviceId, hostname, objectGuid, capturedAt, receivedAt]) => ({
    id,
    deviceId,
    hostname,
    objectGuid,
    capturedAt,
    receivedAt,
  }));
}

/** Phase 3: the deletion history, only for objects that are gone (the rules use it to say when and who). */
async function readDeletionHistory(direct: DirectDb, tenantRef: string, objects: DirectoryObject[]): Promise<Map<string, DeviceSubject["history"]>> {
  const history = new Map<string, DeviceSubject["history"]>();
  const deletedIds = objects.filter((o) => o.deletedAt).map((o) => o.objectId);
  for (const c of await queryIn(
    direct,
    `SELECT "objectId", "kind", "at", "detail" FROM "DirectoryChange" WHERE "tenantRef" = ? AND {in}`,
    "objectId",
    deletedIds,
    [tenantRef],
  )) {
    const objectId = c.objectId as string;
    const list = history.get(objectId) ?? [];
    list.push({ kind: c.kind as string, at: readIso(c.at)!, detail: readJson(c.detail) });
    history.set(objectId, list);
  }
  return history;
}

interface MachineIndex {
  byDeviceId: Map<string, DirectoryObject[]>;
  byName: Map<string, DirectoryObject[]>;
  /** The objects of the same machine as `o` (without `o`). */
  related(o: DirectoryObject | null): DirectoryObject[];
}

/** Phase 4: the objects by registration id, hardware id and short name, and which objects are one machine. */
function indexMachines(objects: DirectoryObject[]): MachineIndex {
  const byDeviceId = new Map<string, DirectoryObject[]>();
  const byHardware = new Map<string, DirectoryObject[]>();
  const byName = new Map<string, DirectoryObject[]>();
  const push = (m: Map<string, DirectoryObject[]>, k: string | null, o: DirectoryObject) => {
    if (!k) return;
    const list = m.get(k);
    if (list) list.push(o);
    else m.set(k, [o]);
  };
  for (const o of objects) {
    push(byDeviceId, o.deviceId, o);
    // Keyed as isSameMachine and match-reports compare: hardware ids in any case, names by their first label.
    push(byHardware, o.hardwareId?.toLowerCase() ?? null, o);
    push(byName, shortName(o.displayName), o);
  }
  // The objects of the same machine as `o`: its hardware id's, and its name's when isSameMachine accepts them (Windows
  // objects whose hardware ids do not disagree). Personal devices share names ("iPhone", "Yuki's MacBookPro18,3": a
  // hundred objects in the 100,000-device bench), and handing every namesake to every subject made the pass quadratic
  // in them.
  const related = (o: DirectoryObject | null): DirectoryObject[] => {
    if (!o) return [];
    const sameHardware = byHardware.get(o.hardwareId?.toLowerCase() ?? "");
    const sameName = byName.get(shortName(o.displayName) ?? "");
    // Most objects are alone in both lists (each list of `o`'s holds `o` itself).
    if ((sameHardware?.length ?? 0) <= 1 && (sameName?.length ?? 0) <= 1) return [];
    const set = new Map<string, DirectoryObject>();
    for (const x of sameHardware ?? []) set.set(x.objectId, x);
    for (const x of sameName ?? []) if (isSameMachine(o, x)) set.set(x.objectId, x);
    set.delete(o.objectId);
    return [...set.values()];
  };
  return { byDeviceId, byName, related };
}

/** Of several objects, the live one; else the one deleted last; ties by objectId. */
const pickLive = (list: DirectoryObject[] | undefined) =>
  list?.length
    ? [...list].sort(
        (a, b) => Number(!!a.deletedAt) - Number(!!b.deletedAt) || (b.deletedAt ?? "").localeCompare(a.deletedAt ?? "") || a.objectId.localeCompare(b.objectId),
      )[0]!
    : null;

interface AssignedSubjects {
  /** Sorted, so a pass writes each index of Finding and FindingEvent in key order. */
  keys: string[];
  /** Report subjects: the object each one's report claims, or null. */
  reportDirectory: Map<string, DirectoryObject | null>;
  /** Subjects of objects no report claims. */
  objectOnly: Map<string, DirectoryObject>;
}

/**
 * Phase 5: the subjects. Each report head claims its registration id's objects (a domain-only machine, which prints
 * no DeviceId, its computer's objectGUID's); a registration id's objects that no report claimed are one subject, and
 * each object without a registration id is one. Incremental runs keep only the subjects asked for; related objects are
 * context, not subjects.
 */
function assignSubjects(scope: SubjectScope, objects: DirectoryObject[], heads: Map<string, ReportHead>, machines: MachineIndex): AssignedSubjects {
  const { byDeviceId } = machines;
  const inScope =
    scope === "all"
      ? null
      : new Set([
          ...(scope.deviceIds ?? []).map(deviceSubjectKey),
          ...(scope.objectIds ?? []).map(objectSubjectKey),
          ...(scope.hostnames ?? []).map(hostSubjectKey),
          ...objects.filter((o) => (scope.objectIds ?? []).includes(o.objectId) && o.deviceId).map((o) => deviceSubjectKey(o.deviceId!)),
        ]);

  const reportDirectory = new Map<string, DirectoryObject | null>();
  const objectOnly = new Map<string, DirectoryObject>();
  const claimed = new Set<string>();
  const keys: string[] = [];
  for (const head of heads.values()) {
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
    if (inScope && !inScope.has(key) && !list.some((o) => inScope.has(objectSubjectKey(o.objectId)))) continue;
    for (const o of list) claimed.add(o.objectId);
    objectOnly.set(key, directory);
    keys.push(key);
  }
  for (const o of objects) {
    if (o.deviceId || claimed.has(o.objectId)) continue;
    const key = objectSubjectKey(o.objectId);
    if (inScope && !inScope.has(key)) continue;
    objectOnly.set(key, o);
    keys.push(key);
  }
  keys.sort();
  return { keys, reportDirectory, objectOnly };
}

/**
 * A report's body, only in the form the pass reads (userCapture, systemCapture): a row from before decision 013 holds
 * its parsed JSON and its text, and the JSON is what is read, so its text is not fetched; a newer row's JSON is "" and
 * its compressed text is read. A full pass reads 100,000 bodies: on PostgreSQL each text is fetched out of line
 * (TOAST), decompressed and sent, for nothing (decision 026).
 */
const REPORT_BODY_SELECT = `SELECT "id", "parsed", "systemParsed",
    CASE WHEN "parsed" = '' THEN "dsregcmdText" END AS "dsregcmdText", CASE WHEN "parsed" = '' THEN "textZ" END AS "textZ",
    CASE WHEN COALESCE("systemParsed", '') = '' THEN "systemText" END AS "systemText",
    CASE WHEN COALESCE("systemParsed", '') = '' THEN "systemTextZ" END AS "systemTextZ", "computerDn"
  FROM "DeviceReport" WHERE {in}`;

/** One batch's report bodies and their events (build's reads). */
async function readReportBodies(direct: DirectDb, ids: string[]): Promise<{ eventsByReport: Map<string, AgentEvent[]>; bodies: Map<string, Row> }> {
  const eventsByReport = new Map<string, AgentEvent[]>();
  for (const e of await queryIn(
    direct,
    `SELECT "reportRef", "eventId", "time", "level", "task", "log", "message" FROM "AgentEvent" WHERE {in}`,
    "reportRef",
    ids,
  )) {
    const reportRef = e.reportRef as string;
    const event: AgentEvent = {
      id: Number(e.eventId),
      time: readIso(e.time)!,
      level: e.level as string,
      task: str(e.task),
      log: str(e.log),
      message: e.message as string,
    };
    const list = eventsByReport.get(reportRef);
    if (list) list.push(event);
    else eventsByReport.set(reportRef, [event]);
  }
  const bodies = new Map<string, Row>();
  for (const r of await queryIn(direct, REPORT_BODY_SELECT, "id", ids)) bodies.set(r.id as string, r);
  return { eventsByReport, bodies };
}

/** A stored capture for the evaluating thread: an old row's JSON as it is, else the text inflated (a string crosses threads as one copy). */
function rawCapture(capture: StoredCapture): RawCapture {
  return capture.parsed ? { json: capture.parsed, text: null } : { json: null, text: storedText(capture) };
}
