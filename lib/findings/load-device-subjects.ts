import "server-only";
import { extraThumbprintsFromAlternativeSecurityIds, hasX509AlternativeSecurityId, type AlternativeSecurityId } from "@/lib/graph/alternative-security-ids";
import { DIRECTORY_OBJECT_COLUMNS, type DirectoryObjectColumn } from "@/lib/db/directory-device-columns";
import { directDb, queryIn, readBool, readDate, readJson, type DirectDb, type Row } from "@/lib/db/direct";
import type { AgentEvent } from "@/lib/reports/types";
import type { DeviceRuleSettings, DeviceSubject, DirectoryObject } from "@/lib/rules/device-subject";
import { shortName } from "@/lib/rules/join-rules/directory-evidence";
import { isSameMachine } from "@/lib/rules/join-rules/duplicate-device";
import type { SyncScope } from "@/lib/rules/sync-scope";
import { parseRawSubject, type RawSubject } from "./raw-subject";

/**
 * Reads go through the driver (lib/db/direct.ts), not Prisma: a full pass reads 100,000 directory objects and
 * as many report bodies, and Prisma's client runtime cost more than the database did (bench/RESULTS.md).
 */

/** A subject is what findings are about: a registration id, an object without one, or a host that never joined. */
export interface LoadedSubject {
  key: string;
  deviceId: string | null;
  objectId: string | null;
  hostname: string | null;
  subject: DeviceSubject;
}

/** The DirectoryDevice columns the rules read (DirectoryObject), nothing else: otherProperties would only be carried. */
const DEVICE_COLUMNS = DIRECTORY_OBJECT_COLUMNS;
/**
 * On SQLite the columns come packed in one JSON array per row: better-sqlite3 spent ~20 µs building each
 * 24-property row object (2.0 s for 100,000 rows), the array and its JSON.parse ~12 µs. PostgreSQL rows come as
 * they are (json_build_array would turn timestamps into zone-less text).
 */
const deviceSelect = (dialect: DirectDb["dialect"]) =>
  dialect === "sqlite"
    ? `SELECT json_array(${DEVICE_COLUMNS.map((c) => `"${c}"`).join(", ")}) AS "packed" FROM "DirectoryDevice"`
    : `SELECT ${DEVICE_COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "DirectoryDevice"`;

function directoryObjectFromResult(row: Row): DirectoryObject {
  return typeof row.packed === "string" ? directoryObjectFromValues(JSON.parse(row.packed) as unknown[]) : directoryObjectFromRow(row);
}

const SQLITE_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;

/** A DateTime column as the ISO string `Date.toISOString()` gives (what the rules and the fingerprints saw before). */
function readIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // SQLite stores Prisma's DateTime as `…T…​.mmm+00:00`: rewriting the zone skips a Date per value.
  if (typeof value === "string" && SQLITE_ISO.test(value)) return `${value.slice(0, 23)}Z`;
  return readDate(value)!.toISOString();
}

const str = (value: unknown) => (value === null || value === undefined ? null : (value as string));

const COLUMN = Object.fromEntries(DEVICE_COLUMNS.map((c, i) => [c, i])) as Record<DirectoryObjectColumn, number>;

/** hasX509, and every thumbprint only for an object with several X509 keys (most have one: nothing extra to decode). */
function x509Facts(ids: AlternativeSecurityId[] | null): Pick<DirectoryObject, "hasX509" | "thumbprints"> {
  const thumbprints = extraThumbprintsFromAlternativeSecurityIds(ids);
  return thumbprints ? { hasX509: true, thumbprints } : { hasX509: hasX509AlternativeSecurityId(ids ?? []) };
}

/** The rules' view of a DirectoryDevice row read through the driver (the same mapping as toDirectoryObject). */
export function directoryObjectFromRow(row: Row): DirectoryObject {
  return directoryObjectFromValues(DEVICE_COLUMNS.map((c) => row[c]));
}

/** The same, from the row's values in DEVICE_COLUMNS order. */
function directoryObjectFromValues(v: readonly unknown[]): DirectoryObject {
  return {
    objectId: v[COLUMN.objectId] as string,
    deviceId: str(v[COLUMN.deviceId]),
    displayName: str(v[COLUMN.displayName]),
    accountEnabled: readBool(v[COLUMN.accountEnabled]),
    trustType: str(v[COLUMN.trustType]),
    profileType: str(v[COLUMN.profileType]),
    registrationDateTime: readIso(v[COLUMN.registrationDateTime]),
    approximateLastSignInDateTime: readIso(v[COLUMN.approximateLastSignInDateTime]),
    operatingSystem: str(v[COLUMN.operatingSystem]),
    operatingSystemVersion: str(v[COLUMN.operatingSystemVersion]),
    onPremisesSyncEnabled: readBool(v[COLUMN.onPremisesSyncEnabled]),
    onPremisesLastSyncDateTime: readIso(v[COLUMN.onPremisesLastSyncDateTime]),
    physicalIds: readJson<string[]>(v[COLUMN.physicalIds]),
    thumbprint: str(v[COLUMN.thumbprint]),
    ...x509Facts(readJson<AlternativeSecurityId[]>(v[COLUMN.alternativeSecurityIds])),
    hardwareId: str(v[COLUMN.hardwareId]),
    isPending: readBool(v[COLUMN.isPending]) ?? false,
    hasBitlockerKeys: readBool(v[COLUMN.hasBitlockerKeys]),
    hasLapsPassword: readBool(v[COLUMN.hasLapsPassword]),
    deletedAt: readIso(v[COLUMN.deletedAt]),
    deletedReason: str(v[COLUMN.deletedReason]),
    isManaged: readBool(v[COLUMN.isManaged]),
    isCompliant: readBool(v[COLUMN.isCompliant]),
    mdmAppId: str(v[COLUMN.mdmAppId]),
  };
}

/**
 * shortName(displayName) in SQL: trimmed, up to the first dot, trimmed, lower-case. The index on this expression
 * (migration 20261129180000_directory_short_name_index) serves it only while the text is the same as there.
 */
function shortNameSql(dialect: DirectDb["dialect"]): string {
  const name = `TRIM("displayName")`;
  return dialect === "sqlite"
    ? `LOWER(TRIM(CASE WHEN INSTR(${name}, '.') > 0 THEN SUBSTR(${name}, 1, INSTR(${name}, '.') - 1) ELSE ${name} END))`
    : `LOWER(TRIM(SPLIT_PART(${name}, '.', 1)))`;
}

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
}

export type SubjectScope = "all" | { deviceIds?: string[]; objectIds?: string[]; hostnames?: string[] };

/**
 * Builds the rule inputs for a tenant's devices from the database: every subject (scope "all") or only
 * those touching the given registration ids / object ids / hostnames (incremental re-evaluation).
 * Phase one reads the directory and the report heads in bulk; `build(keys)` then reads the report bodies
 * of one batch of subjects, so memory stays bounded however large the tenant.
 */
export async function loadSubjectContext(options: { tenantRef: string; scope: SubjectScope; direct?: DirectDb }): Promise<SubjectContext> {
  const { tenantRef, scope } = options;
  const direct = options.direct ?? directDb();
  const [tenant] = await direct.query(
    `SELECT "tenantId", "syncScope", "staleThresholdDays", "agentIntervalMinutes", "lastSyncAt" FROM "Tenant" WHERE "id" = ?`,
    [tenantRef],
  );
  if (!tenant) throw new Error(`loadSubjectContext: no tenant ${tenantRef}`);
  const tenantId = tenant.tenantId as string;
  const tenantHasAgents = (await direct.query(`SELECT 1 AS "one" FROM "DeviceReport" WHERE "tenantRef" = ? LIMIT 1`, [tenantRef])).length > 0;
  const settings: Omit<DeviceRuleSettings, "now"> = {
    syncScope: readJson<SyncScope>(tenant.syncScope),
    staleThresholdDays: Number(tenant.staleThresholdDays),
    agentIntervalMinutes: Number(tenant.agentIntervalMinutes),
    tenantHasAgents,
    directorySyncedAt: readIso(tenant.lastSyncAt),
  };

  // 1. Directory objects in scope, plus every object sharing a machine identity with them (duplicates).
  let objects: DirectoryObject[];
  if (scope === "all") {
    objects = (await direct.query(`${deviceSelect(direct.dialect)} WHERE "tenantRef" = ?`, [tenantRef])).map(directoryObjectFromResult);
  } else {
    const deviceIds = [...new Set(scope.deviceIds ?? [])];
    const objectIds = [...new Set(scope.objectIds ?? [])];
    const hostnames = (scope.hostnames ?? []).map(shortName);
    const where = `${deviceSelect(direct.dialect)} WHERE "tenantRef" = ? AND {in}`;
    const direct0 = [
      ...(await queryIn(direct, where, "deviceId", deviceIds, [tenantRef])),
      ...(await queryIn(direct, where, "objectId", objectIds, [tenantRef])),
    ].map(directoryObjectFromResult);
    const hw = [...new Set(direct0.map((d) => d.hardwareId).filter((v): v is string => !!v))];
    // Names compare as shortName does (the full pass's grouping and isSameMachine): first DNS label, any case.
    const names = [...new Set([...direct0.map((d) => shortName(d.displayName)), ...hostnames].filter((v): v is string => !!v))];
    const related = [
      ...(await queryIn(direct, where, "hardwareId", hw, [tenantRef])),
      ...(await queryIn(direct, where, { expression: shortNameSql(direct.dialect) }, names, [tenantRef])),
    ].map(directoryObjectFromResult);
    const byObject = new Map<string, DirectoryObject>();
    for (const d of [...direct0, ...related]) byObject.set(d.objectId, d);
    objects = [...byObject.values()];
  }

  // 2. Report heads: the latest report per device (per hostname for reports without a registration id), with the
  // last time any report of it arrived. Aggregated by the database: a machine reporting every four hours has some
  // 2,000 reports after a year, and reading every one of them on every pass grew without bound.
  const latestById = (filter: string) =>
    `SELECT r."id", r."deviceId", r."hostname", r."objectGuid", r."capturedAt", m."receivedAt" FROM "DeviceReport" r JOIN (
       SELECT "tenantRef", "deviceId", MAX("capturedAt") AS "capturedAt", MAX("receivedAt") AS "receivedAt" FROM "DeviceReport"
       WHERE "tenantRef" = ? AND "deviceId" IS NOT NULL${filter} GROUP BY "tenantRef", "deviceId"
     ) m ON r."tenantRef" = m."tenantRef" AND r."deviceId" = m."deviceId" AND r."capturedAt" = m."capturedAt"`;
  const latestByHostname = (filter: string) =>
    `SELECT r."id", r."deviceId", r."hostname", r."objectGuid", r."capturedAt", m."receivedAt" FROM "DeviceReport" r JOIN (
       SELECT "tenantRef", LOWER("hostname") AS "host", MAX("capturedAt") AS "capturedAt", MAX("receivedAt") AS "receivedAt" FROM "DeviceReport"
       WHERE "tenantRef" = ? AND "deviceId" IS NULL${filter} GROUP BY "tenantRef", LOWER("hostname")
     ) m ON r."tenantRef" = m."tenantRef" AND r."deviceId" IS NULL AND LOWER(r."hostname") = m."host" AND r."capturedAt" = m."capturedAt"`;
  const headRows =
    scope === "all"
      ? [...(await direct.query(latestById(""), [tenantRef])), ...(await direct.query(latestByHostname(""), [tenantRef]))]
      : [
          ...(await queryIn(direct, latestById(" AND {in}"), "deviceId", [...new Set([...(scope.deviceIds ?? []), ...objects.map((o) => o.deviceId).filter((v): v is string => !!v)])], [tenantRef])),
          ...(await queryIn(direct, latestByHostname(" AND {in}"), "hostname", [...new Set(scope.hostnames ?? [])], [tenantRef])),
        ];
  const latest = new Map<string, ReportHead>();
  for (const r of headRows) {
    const deviceId = str(r.deviceId);
    const hostname = r.hostname as string;
    const key = deviceId ? `d:${deviceId}` : `h:${hostname.toLowerCase()}`;
    const id = r.id as string;
    const capturedAt = readIso(r.capturedAt)!;
    const receivedAt = readIso(r.receivedAt)!;
    const prev = latest.get(key);
    if (!prev || capturedAt > prev.capturedAt || (capturedAt === prev.capturedAt && id > prev.id)) {
      latest.set(key, { id, key, deviceId, hostname, objectGuid: str(r.objectGuid), capturedAt, receivedAt: prev && prev.receivedAt > receivedAt ? prev.receivedAt : receivedAt });
    } else if (receivedAt > prev.receivedAt) {
      prev.receivedAt = receivedAt;
    }
  }

  // 3. Deletion history, only for objects that are gone (the rules use it to say when and who).
  const history = new Map<string, DeviceSubject["history"]>();
  const deletedIds = objects.filter((o) => o.deletedAt).map((o) => o.objectId);
  for (const c of await queryIn(direct, `SELECT "objectId", "kind", "at", "detail" FROM "DirectoryChange" WHERE "tenantRef" = ? AND {in}`, "objectId", deletedIds, [tenantRef])) {
    const objectId = c.objectId as string;
    const list = history.get(objectId) ?? [];
    list.push({ kind: c.kind as string, at: readIso(c.at)!, detail: readJson(c.detail) });
    history.set(objectId, list);
  }

  // 4. Indexes, and which object each report subject claims.
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
  const pickLive = (list: DirectoryObject[] | undefined) =>
    list?.length ? [...list].sort((a, b) => Number(!!a.deletedAt) - Number(!!b.deletedAt) || (b.deletedAt ?? "").localeCompare(a.deletedAt ?? "") || a.objectId.localeCompare(b.objectId))[0]! : null;
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

  // Sorted, so a pass writes each index of Finding and FindingEvent in key order.
  keys.sort();

  async function build(batch: string[]): Promise<PendingSubject[]> {
    const ids: string[] = [];
    for (const k of batch) {
      const h = latest.get(k);
      if (h && reportDirectory.has(k)) ids.push(h.id);
    }
    const eventsByReport = new Map<string, AgentEvent[]>();
    for (const e of await queryIn(direct, `SELECT "reportRef", "eventId", "time", "level", "task", "log", "message" FROM "AgentEvent" WHERE {in}`, "reportRef", ids)) {
      const reportRef = e.reportRef as string;
      const event: AgentEvent = { id: Number(e.eventId), time: readIso(e.time)!, level: e.level as string, task: str(e.task), log: str(e.log), message: e.message as string };
      const list = eventsByReport.get(reportRef);
      if (list) list.push(event);
      else eventsByReport.set(reportRef, [event]);
    }
    const bodies = new Map<string, Row>();
    for (const r of await queryIn(direct, `SELECT "id", "parsed", "systemParsed", "computerDn" FROM "DeviceReport" WHERE {in}`, "id", ids)) bodies.set(r.id as string, r);

    const out: PendingSubject[] = [];
    for (const key of batch) {
      const head = latest.get(key);
      if (head && reportDirectory.has(key)) {
        const body = bodies.get(head.id);
        if (!body) continue; // deleted between the phases
        const raw = () => rawReportSubject(head, body, eventsByReport.get(head.id) ?? []);
        out.push({ key, raw, load: () => parseRawSubject(raw()) });
        continue;
      }
      const directory = objectOnly.get(key);
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
          otherObjects: related(directory),
          candidates: [],
          lastReportAt: null,
        },
      });
      out.push({ key, load: loaded, raw: () => loaded() as RawSubject });
    }
    return out;
  }

  function rawReportSubject(head: ReportHead, body: Row, events: AgentEvent[]): RawSubject {
    const directory = reportDirectory.get(head.key) ?? null;
    const receivedAt = head.receivedAt;
    return {
      key: head.key,
      deviceId: head.deviceId,
      objectId: directory?.objectId ?? null,
      hostname: head.hostname,
      subject: {
        tenantId,
        report: {
          parsed: body.parsed as string,
          systemParsed: (body.systemParsed as string | null) ?? null,
          capturedAt: head.capturedAt,
          receivedAt,
          hostname: head.hostname,
          computerDn: str(body.computerDn),
          objectGuid: head.objectGuid,
          events,
        },
        directory,
        history: directory ? (history.get(directory.objectId) ?? []) : [],
        otherObjects: related(directory),
        // Pointed out when the report's own object is missing or deleted (object-deleted); a live object is the match,
        // and the objects sharing its name are in otherObjects already.
        candidates:
          directory && !directory.deletedAt
            ? []
            : (byName.get(shortName(head.hostname) ?? "") ?? []).filter((o) => o.deviceId !== head.deviceId && o.objectId !== directory?.objectId),
        lastReportAt: receivedAt,
      },
    };
  }

  return { tenantId, settings, keys, build };
}
