import "server-only";
import type { DirectDb, Statement } from "@/lib/db/direct";
import { inList } from "@/lib/db/direct";
import { chunk } from "@/lib/db/in-list";

/**
 * The tenant's report retention (issue 18 item 3, decision 013), in small batches: each batch is one short write
 * transaction of at most `batchSize` rows, so an upload waits at most one batch for the database (SQLite has one
 * writer). Never touches a device's latest report. What it removes:
 * - state changes captured more than `retentionChangeDays` ago (with their events, user index rows and aliases);
 * - the raw texts of the state changes of a device beyond its `retentionTextChanges` latest (the row stays: its
 *   columns still tell the timeline what it said).
 * The counters stay: ReportTally (uploads received per hour and in all) is never trimmed.
 */
export interface RetentionSettings {
  retentionChangeDays: number;
  retentionTextChanges: number;
}

export interface RetentionOutcome {
  changesDeleted: number;
  textsDropped: number;
  batches: number;
}

/**
 * 100 rows: deleting 500 reports (their user rows, events and nine index entries each) took up to 16 ms in one
 * transaction on SQLite (bench:storage at 2,000 devices), every upload of the process waiting behind it, which was
 * what raised the uploads' p95 while retention ran (bench/RESULTS.md, eighteenth round).
 */
export const DEFAULT_RETENTION_BATCH = 100;

/**
 * A report that is not its device's latest: a later one of the same device exists (SQL over alias x). Two EXISTS, one
 * per kind of device, so that each is one range of the (tenantRef, deviceId, capturedAt) index: with the two kinds
 * OR-ed in one, no index served it and SQLite read every report of the tenant for each report it checked (69 ms for
 * a batch of 500 at 14,000 reports, now 1 ms), on the event loop that answers uploads. "Later" starts with a bound
 * on capturedAt (`>=`), so that the range begins at the report checked: as an OR of `>` and `=` alone, SQLite's plan
 * was (tenantRef=? AND deviceId=?), every report of the device for each one checked (540 a device over 90 days in a
 * tenant that keeps every upload).
 */
const LATER = `y."capturedAt" >= x."capturedAt" AND (y."capturedAt" > x."capturedAt" OR y."id" > x."id")`;
const NOT_LATEST = `((x."deviceId" IS NOT NULL AND EXISTS (SELECT 1 FROM "DeviceReport" y WHERE y."tenantRef" = x."tenantRef" AND y."deviceId" = x."deviceId" AND ${LATER}))
    OR (x."deviceId" IS NULL AND EXISTS (SELECT 1 FROM "DeviceReport" y WHERE y."tenantRef" = x."tenantRef" AND y."deviceId" IS NULL
      AND LOWER(y."hostname") = LOWER(x."hostname") AND ${LATER})))`;

/** Devices whose texts step 2 ranks in one read: a read of a few thousand reports, not of the whole tenant. */
const RANK_DEVICES = 200;

export async function applyReportRetention(
  direct: DirectDb,
  options: { tenantRef: string; settings: RetentionSettings; now: Date; batchSize?: number; pauseMs?: number; rankDevices?: number },
): Promise<RetentionOutcome> {
  const { tenantRef, settings, now } = options;
  const batchSize = options.batchSize ?? DEFAULT_RETENTION_BATCH;
  const outcome: RetentionOutcome = { changesDeleted: 0, textsDropped: 0, batches: 0 };
  const pause = () => new Promise((r) => setTimeout(r, options.pauseMs ?? 0));

  // 1. Old state changes: read on the (tenantRef, capturedAt) index a batch at a time, deleted in their own transaction.
  // Each read starts after the last report the one before returned (capturedAt, then id): what lies before it and was
  // not deleted is some device's latest report, which the read would otherwise walk again each batch (a silent
  // device's latest stays for ever).
  const cutoff = new Date(now.getTime() - settings.retentionChangeDays * 86_400_000);
  let from: { capturedAt: unknown; id: string } | null = null;
  for (;;) {
    const rows: { id: string; capturedAt: unknown }[] = await direct.query(oldChangesSql(batchSize, from !== null), [
      tenantRef,
      cutoff,
      ...(from ? [from.capturedAt, from.capturedAt, from.id] : []),
    ]);
    if (rows.length === 0) break;
    from = rows.at(-1)!;
    const ids = rows.map((r) => r.id);
    const counts = await direct.batch(deleteReportsStatements(tenantRef, ids));
    outcome.changesDeleted += counts.at(-1) ?? 0;
    outcome.batches++;
    await pause();
  }

  // 2. Texts beyond the latest N changes of each device: ranked RANK_DEVICES devices at a time (registration ids in
  // order, by the (tenantRef, deviceId, capturedAt) index; then the devices without one, by host name, in one read:
  // they are few), each read followed by its batches, so no single read holds the event loop for the whole tenant.
  const keep = Math.max(1, settings.retentionTextChanges);
  const rank = (filter: string) => `SELECT "id" FROM (SELECT x."id", (x."textZ" IS NOT NULL OR x."dsregcmdText" <> '') AS "hasText",
        ROW_NUMBER() OVER (PARTITION BY COALESCE(x."deviceId", LOWER(x."hostname")) ORDER BY x."capturedAt" DESC, x."id" DESC) AS "n"
        FROM "DeviceReport" x WHERE x."tenantRef" = ? AND ${filter}) ranked
      WHERE "n" > ? AND "hasText"`;
  const dropTexts = async (ids: string[]) => {
    for (const part of chunk(ids, batchSize)) {
      const [changed] = await direct.batch([
        {
          sql: `UPDATE "DeviceReport" SET "textZ" = NULL, "systemTextZ" = NULL, "dsregcmdText" = '', "systemText" = NULL, "parsed" = '', "systemParsed" = NULL
          WHERE "tenantRef" = ? AND ${inList("id", part.length)}`,
          params: [tenantRef, ...part],
        },
      ]);
      outcome.textsDropped += changed ?? 0;
      outcome.batches++;
      await pause();
    }
  };
  let after = "";
  for (;;) {
    const devices = await direct.query<{ deviceId: string }>(
      `SELECT DISTINCT "deviceId" FROM "DeviceReport" WHERE "tenantRef" = ? AND "deviceId" > ? ORDER BY "deviceId" LIMIT ${options.rankDevices ?? RANK_DEVICES}`,
      [tenantRef, after],
    );
    if (devices.length === 0) break;
    after = devices.at(-1)!.deviceId;
    const ids = devices.map((d) => d.deviceId);
    const ranked = await direct.query<{ id: string }>(rank(inList({ expression: `x."deviceId"` }, ids.length)), [tenantRef, ...ids, keep]);
    await dropTexts(ranked.map((r) => r.id));
  }
  const hostless = await direct.query<{ id: string }>(rank(`x."deviceId" IS NULL`), [tenantRef, keep]);
  await dropTexts(hostless.map((r) => r.id));
  return outcome;
}

/**
 * Step 1's read: the tenant's reports captured before the cutoff that are not their device's latest, oldest first, after
 * the last one the previous read returned (`after`: its capturedAt twice, then its id). The cursor's bound on capturedAt
 * is a `>=`, so it stays a range of the (tenantRef, capturedAt) index.
 */
export function oldChangesSql(batchSize: number, after: boolean): string {
  const cursor = after ? ` AND x."capturedAt" >= ? AND NOT (x."capturedAt" = ? AND x."id" <= ?)` : "";
  return `SELECT x."id", x."capturedAt" FROM "DeviceReport" x WHERE x."tenantRef" = ? AND x."capturedAt" < ?${cursor} AND ${NOT_LATEST}
    ORDER BY x."capturedAt", x."id" LIMIT ${batchSize}`;
}

/**
 * Deletes reports with what refers to them (events cascade with their report). The last count is the reports'.
 * `ids` are the tenant's reports, so the rows referring to them are found by reportRef alone: with the tenant in the
 * WHERE as well, SQLite's planner took ReportAlias's tenantRef index, every alias of the tenant (a database compacted
 * from before decision 013 holds one per folded upload: hundreds a device) for each batch.
 */
export function deleteReportsStatements(tenantRef: string, ids: readonly string[]): Statement[] {
  const list = inList("reportRef", ids.length);
  return [
    { sql: `DELETE FROM "ReportUser" WHERE ${list}`, params: [...ids] },
    { sql: `DELETE FROM "ReportAlias" WHERE ${list}`, params: [...ids] },
    { sql: `DELETE FROM "AgentEvent" WHERE ${list}`, params: [...ids] },
    { sql: `DELETE FROM "DeviceReport" WHERE "tenantRef" = ? AND ${inList("id", ids.length)}`, params: [tenantRef, ...ids] },
  ];
}
