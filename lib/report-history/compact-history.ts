import "server-only";
import type { DirectDb, Statement } from "@/lib/db/direct";
import { insertStatements, inList, readDate } from "@/lib/db/direct";
import { AGENT_EVENT_COLUMNS } from "@/lib/db/device-report-columns";
import { agentEventId, hashReportState, type AgentEventUpload } from "@/lib/ingest/report-state";
import type { ReportUpload } from "@/lib/ingest/upload-schema";
import { encodeReportText } from "@/lib/reports/report-text-codec";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { Finding } from "@/lib/rules/types";
import { reportUserPrincipalNameOf } from "@/lib/signins/index-report-users";
import { deleteReportsStatements } from "./report-retention";

/**
 * Issue 18 item 5: a database from before decision 013 compacted in place. Its reports (one row per upload, the text
 * and the parsed JSON in full, the events copied into every report) become what an upload stores now: per device, a
 * run of consecutive uploads with the same state is one report (the run's last upload, counting the others; their ids
 * stay readable as aliases), its texts compressed and its parsed JSON dropped, each event stored once.
 *
 * One device per transaction, a few devices per call: stopped anywhere, it resumes where it was, since a device's rows
 * are all compacted (stateHash set) or none are. New uploads meanwhile store compacted rows of their own, which this
 * never touches. Returns how many devices it compacted; 0 when nothing is left.
 */
export async function compactReportHistory(
  direct: DirectDb,
  options: { tenantRef: string; devices?: number },
): Promise<{ devices: number; reportsBefore: number; reportsAfter: number }> {
  const { tenantRef } = options;
  const devices = await direct.query<{ deviceId: string | null; host: string | null }>(
    `SELECT DISTINCT "deviceId", CASE WHEN "deviceId" IS NULL THEN "hostname" END AS "host" FROM "DeviceReport"
      WHERE "tenantRef" = ? AND "stateHash" IS NULL LIMIT ${options.devices ?? 50}`,
    [tenantRef],
  );
  let reportsBefore = 0;
  let reportsAfter = 0;
  for (const device of devices) {
    const r = await compactDevice(direct, tenantRef, device.deviceId, device.host);
    reportsBefore += r.before;
    reportsAfter += r.after;
  }
  return { devices: devices.length, reportsBefore, reportsAfter };
}

type OldRow = {
  id: string;
  hostname: string;
  deviceId: string | null;
  capturedAt: unknown;
  agentVersion: string | null;
  source: string;
  computerDn: string | null;
  objectGuid: string | null;
  osBuild: string | null;
  parsed: string;
  dsregcmdText: string;
  systemParsed: string | null;
  systemText: string | null;
  findingsSnapshot: string | null;
  uploadCount: unknown;
};

async function compactDevice(direct: DirectDb, tenantRef: string, deviceId: string | null, host: string | null): Promise<{ before: number; after: number }> {
  const where = deviceId ? `"deviceId" = ?` : `"deviceId" IS NULL AND "hostname" = ?`;
  const rows = await direct.query<OldRow>(
    `SELECT "id", "hostname", "deviceId", "capturedAt", "agentVersion", "source", "computerDn", "objectGuid", "osBuild", "parsed", "dsregcmdText",
            "systemParsed", "systemText", "findingsSnapshot", "uploadCount"
       FROM "DeviceReport" WHERE "tenantRef" = ? AND ${where} AND "stateHash" IS NULL ORDER BY "capturedAt", "id"`,
    [tenantRef, deviceId ?? host],
  );
  if (rows.length === 0) return { before: 0, after: 0 };
  const events = new Map<string, AgentEventUpload[]>();
  for (const e of await direct.query<{
    reportRef: string;
    eventId: unknown;
    time: unknown;
    level: string;
    task: string | null;
    log: string | null;
    message: string;
  }>(
    `SELECT e."reportRef", e."eventId", e."time", e."level", e."task", e."log", e."message" FROM "AgentEvent" e JOIN "DeviceReport" r ON r."id" = e."reportRef"
      WHERE r."tenantRef" = ? AND ${where.replaceAll(`"deviceId"`, `r."deviceId"`).replace(`"hostname"`, `r."hostname"`)} AND r."stateHash" IS NULL
      ORDER BY e."time" DESC, e."eventId"`,
    [tenantRef, deviceId ?? host],
  )) {
    const list = events.get(e.reportRef) ?? [];
    list.push({ id: Number(e.eventId), time: readDate(e.time)!.toISOString(), level: e.level, task: e.task, log: e.log, message: e.message });
    events.set(e.reportRef, list);
  }

  // The state of each old upload, as an upload of the same content would hash it now.
  const states = rows.map((r) => {
    const report = JSON.parse(r.parsed || "null") as ParsedDsregcmd | null;
    const system = r.systemParsed ? (JSON.parse(r.systemParsed) as ParsedDsregcmd) : null;
    const upload = {
      hostname: r.hostname,
      agentVersion: r.agentVersion ?? "",
      computerDn: r.computerDn,
      objectGuid: r.objectGuid,
      osBuild: r.osBuild,
      events: events.get(r.id) ?? [],
    } as unknown as ReportUpload;
    if (!report) return `unparsed:${r.id}`;
    const findings = r.findingsSnapshot ? (JSON.parse(r.findingsSnapshot) as Finding[]) : [];
    return hashReportState({ upload, report, system, findings, source: r.source, user: reportUserPrincipalNameOf(report) });
  });

  const statements: Statement[] = [];
  const deleted: string[] = [];
  const kept: { id: string; events: AgentEventUpload[] }[] = [];
  for (let start = 0; start < rows.length;) {
    let end = start;
    while (end + 1 < rows.length && states[end + 1] === states[start]) end++;
    const run = rows.slice(start, end + 1);
    const last = run.at(-1)!;
    const count = run.reduce((n, r) => n + Number(r.uploadCount ?? 1), 0);
    statements.push({
      sql: `UPDATE "DeviceReport" SET "stateHash" = ?, "firstCapturedAt" = ?, "uploadCount" = ?, "textZ" = ?, "systemTextZ" = ?,
          "parsed" = '', "dsregcmdText" = '', "systemParsed" = NULL, "systemText" = NULL WHERE "id" = ? AND "stateHash" IS NULL`,
      params: [
        states[start],
        readDate(run[0]!.capturedAt),
        count,
        last.dsregcmdText ? encodeReportText(last.dsregcmdText) : null,
        last.systemText ? encodeReportText(last.systemText) : null,
        last.id,
      ],
    });
    for (const r of run.slice(0, -1)) {
      deleted.push(r.id);
      statements.push({
        sql: `INSERT INTO "ReportAlias" ("id", "tenantRef", "reportRef", "capturedAt") VALUES (?, ?, ?, ?) ON CONFLICT ("id") DO NOTHING`,
        params: [r.id, tenantRef, last.id, readDate(r.capturedAt)],
      });
    }
    kept.push({ id: last.id, events: events.get(last.id) ?? [] });
    start = end + 1;
  }
  // Events once per device, each with the latest kept report that carried it (as an upload stores them now).
  const deviceKey = deviceId ?? `h:${(host ?? "").toLowerCase()}`;
  const eventRows = new Map<string, Record<string, unknown>>();
  for (const k of kept) {
    for (const e of k.events) {
      const id = agentEventId(tenantRef, deviceKey, e);
      eventRows.set(id, {
        id,
        tenantRef,
        reportRef: k.id,
        deviceId,
        eventId: e.id,
        time: new Date(e.time),
        level: e.level,
        task: e.task ?? null,
        log: e.log ?? null,
        message: e.message,
      });
    }
  }
  const allIds = rows.map((r) => r.id);
  await direct.batch([
    ...statements,
    ...(deleted.length ? deleteReportsStatements(tenantRef, deleted) : []),
    { sql: `DELETE FROM "AgentEvent" WHERE ${inList("reportRef", allIds.length)}`, params: allIds },
    ...insertStatements(direct.dialect, "AgentEvent", AGENT_EVENT_COLUMNS, [...eventRows.values()], { target: ["id"], update: ["reportRef"] }),
  ]);
  return { before: rows.length, after: kept.length };
}
