import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { directDb, type DirectDb, type Statement } from "@/lib/db/direct";
import { runStatements } from "@/lib/db/run-statements";
import { directoryStatements } from "@/lib/device-summary/summary-statements";
import { bulkRebuildStatements } from "@/lib/device-summary/bulk-rebuild";
import { acquireLease, releaseLease, type Lease } from "@/lib/db/lease";
import { DIRECTORY_TABLES, FULL_SYNC_TABLES, refreshPlannerStatistics, statisticsWhileFilling, SUMMARY_TABLES } from "@/lib/db/refresh-planner-statistics";
import { createGraphClient, type GraphClient, type GraphFailure } from "@/lib/graph/graph-client";
import { DeltaPageSchema, DevicePageSchema, isRemoved, type GraphDevice } from "@/lib/graph/graph-schemas";
import { DELTA_LATEST_REQUEST, devicesFirstPageRequest } from "@/lib/graph/sync-requests";
import type { ResilienceOptions } from "@/lib/graph/resilience-middleware";
import { reevaluateAllFindings, reevaluateFindings } from "@/lib/findings/findings-scheduler";
import { log } from "@/lib/log/logger";
import { mapDevicePage, planDeltaPage, planDevicePage, SummaryScope, type DeltaPageEntry, type PageCounts } from "./write-device-page";
import { loadTenantApp } from "./load-tenant-app";
import { openSyncConnection, type SyncConnection } from "./open-sync-connection";
import { PageFailure, runOrderedPages } from "./ordered-page-pipeline";
import { collectKeyPresence, storeKeyPresence, type KeyPresence } from "./record-key-presence";
import { deferDirectoryIndexes, restoreDeferredIndexStatements, restoreStaleDeferredIndexes } from "./deferred-directory-indexes";

export interface SyncProgress {
  runId: string;
  mode: "full" | "delta";
  pages: number;
  devicesSeen: number;
  added: number;
  changed: number;
  deleted: number;
  throttledWaits: number;
  elapsedMs: number;
  /** Devices expected in a full sync (the previous count), for an ETA; null when unknown and in a delta sync. */
  estimatedTotal: number | null;
}

export interface SyncRunSummary extends SyncProgress {
  status: "succeeded";
  /** Where the time went: Graph pages and their writes (incl. run bookkeeping), key presence, findings. */
  phaseMs: { directory: number; keyPresence: number; findings: number };
  fallbackReason: string | null;
  warnings: string[];
  resumed: boolean;
}

export type SyncErrorCode = "already-running" | "not-found" | "no-credentials" | "auth" | "forbidden" | "graph" | "aborted";

export type SyncOutcome = { ok: true; run: SyncRunSummary } | { ok: false; error: { code: SyncErrorCode; message: string }; runId?: string };

export interface RunSyncOptions {
  tenantRef: string;
  /** auto: delta when a deltaLink is stored, else full. */
  mode?: "auto" | "full" | "delta";
  trigger: "manual" | "schedule" | "cli" | "test";
  holder?: string;
  /** Inject a client (tests, bench); by default one is built from the tenant's app registration. */
  graph?: GraphClient;
  resilience?: ResilienceOptions;
  pageSize?: number;
  leaseTtlMs?: number;
  /** Overlap fetching the next page with writing the current one. */
  prefetch?: boolean;
  /** Checked after every committed page: aborting leaves the run resumable, as a crash would. */
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  now?: () => Date;
  /** Re-evaluate findings for what changed (a full sync re-evaluates every device). Default true. */
  evaluateFindings?: boolean;
  /** Look up BitLocker key and LAPS presence after a full sync (degrades to a warning without permission). */
  checkKeyPresence?: boolean;
}

type RunRow = { id: string; mode: string; startedAt: Date; resumeLink: string | null; pendingDeltaLink: string | null };

class SyncStop extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Full and delta sync of a tenant's devices from Microsoft Graph (docs/domain.md, *Reading devices from Graph*).
 * Every page is applied in one transaction together with the run's resume point, so a killed sync
 * restarted later continues from the last committed page without duplicating or losing devices.
 */
export async function runSync(db: Db, options: RunSyncOptions): Promise<SyncOutcome> {
  const now = options.now ?? (() => new Date());
  const holder = options.holder ?? `${process.pid}-${randomUUID()}`;
  const ttl = options.leaseTtlMs ?? 120_000;
  const loaded = options.graph ? null : await loadTenantApp(db, options.tenantRef);
  if (loaded && !loaded.ok)
    return { ok: false, error: { code: loaded.error.code === "not-found" ? "not-found" : "no-credentials", message: loaded.error.message } };
  const graph = options.graph ?? createGraphClient((loaded as Extract<typeof loaded, { ok: true }>).app, options.resilience);

  const lease: Lease = { table: "SyncLease", tenantRef: options.tenantRef, holder };
  if (!(await acquireLease(directDb(), lease, ttl, now()))) {
    return { ok: false, error: { code: "already-running", message: "A sync of this tenant is already running" } };
  }
  let run: RunRow | null = null;
  let connection: SyncConnection | null = null;
  const started = Date.now();
  try {
    // First: a SQLite writer thread takes ~60 ms to start, which the run's bookkeeping below now overlaps.
    connection = openSyncConnection();
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: options.tenantRef }, select: { deltaLink: true, lastFullSyncAt: true } });
    const { run: r, resumed } = await openRun(db, options, tenant.deltaLink, now());
    run = r;
    // A full sync's ETA: the devices the last one found. A delta's size is not known before it ends.
    const estimatedTotal = () => db.directoryDevice.count({ where: { tenantRef: options.tenantRef, deletedAt: null } }).then((n) => n || null);
    const progress: SyncProgress = {
      runId: run.id,
      mode: run.mode as "full" | "delta",
      pages: 0,
      devicesSeen: 0,
      added: 0,
      changed: 0,
      deleted: 0,
      throttledWaits: 0,
      elapsedMs: 0,
      estimatedTotal: run.mode === "full" ? await estimatedTotal() : null,
    };
    const ctx: Ctx = {
      db,
      graph,
      options,
      holder,
      ttl,
      now,
      run,
      progress,
      started,
      fallbackReason: null,
      warnings: [],
      keyPresenceMs: 0,
      connection,
      baseline: tenant.lastFullSyncAt === null,
      deltaLink: tenant.deltaLink,
      directoryAnalysed: false,
      indexesDeferred: false,
    };
    // Indexes a first full sync deferred and left behind (it stopped and is not the one running now): decision 052.
    await restoreStaleDeferredIndexes(directDb(), { tenantRef: options.tenantRef, firstFullSync: ctx.baseline && run.mode === "full", now: now() });

    let ranFull = run.mode !== "delta";
    if (run.mode === "delta") {
      const outcome = await deltaSync(ctx);
      if (outcome === "expired") {
        ctx.progress.estimatedTotal = await estimatedTotal();
        await fullSync(ctx);
        ranFull = true;
      }
    } else {
      await fullSync(ctx);
    }
    // A full sync rewrote the directory: the pages that follow are planned for it (PostgreSQL; lib/db). A first full
    // sync analysed the directory's tables while its summaries were rebuilt (finishFullSync): the summaries' are left.
    if (ranFull) await refreshPlannerStatistics(directDb(), ctx.directoryAnalysed ? SUMMARY_TABLES : FULL_SYNC_TABLES);
    const findingsStarted = Date.now();
    if (options.evaluateFindings !== false) await evaluateAfterSync(ctx);
    const findingsMs = Date.now() - findingsStarted;
    const summary: SyncRunSummary = {
      ...ctx.progress,
      throttledWaits: graph.stats.throttledWaits,
      elapsedMs: Date.now() - started,
      status: "succeeded",
      phaseMs: { directory: findingsStarted - started - ctx.keyPresenceMs, keyPresence: ctx.keyPresenceMs, findings: findingsMs },
      fallbackReason: ctx.fallbackReason,
      warnings: ctx.warnings,
      resumed,
    };
    return { ok: true, run: summary };
  } catch (error) {
    if (error instanceof SyncStop) {
      if (run && error.code !== "aborted") await failRun(db, run.id, error.message, graph, now());
      return { ok: false, error: { code: error.code, message: error.message }, runId: run?.id };
    }
    if (run) await failRun(db, run.id, error instanceof Error ? error.message : String(error), graph, now()).catch(() => undefined);
    throw error;
  } finally {
    await connection?.close();
    // An aborted run keeps its lease until it expires, exactly like a crashed process would.
    if (!options.signal?.aborted) await releaseLease(directDb(), lease).catch(() => undefined);
  }
}

interface Ctx {
  db: Db;
  graph: GraphClient;
  options: RunSyncOptions;
  holder: string;
  ttl: number;
  now: () => Date;
  run: RunRow;
  progress: SyncProgress;
  started: number;
  fallbackReason: string | null;
  warnings: string[];
  keyPresenceMs: number;
  connection: SyncConnection;
  /** The tenant's first full sync (nothing synced before): objects are first seen, not created. */
  baseline: boolean;
  /** The tenant's stored delta link when the run started. */
  deltaLink: string | null;
  /** The directory's tables were analysed after the last page (a first full sync, during its summaries' rebuild). */
  directoryAnalysed: boolean;
  /** A first full sync's first page in this process asked for DirectoryDevice's secondary indexes to be deferred (decision 052). */
  indexesDeferred: boolean;
}

async function openRun(db: Db, options: RunSyncOptions, deltaLink: string | null, at: Date): Promise<{ run: RunRow; resumed: boolean }> {
  const select = { id: true, mode: true, startedAt: true, resumeLink: true, pendingDeltaLink: true } as const;
  // We hold the lease, so a run still marked running belongs to a holder that died.
  const orphan = await db.syncRun.findFirst({
    where: { tenantRef: options.tenantRef, status: "running" },
    orderBy: { startedAt: "desc" },
    select,
  });
  const wantFull = options.mode === "full";
  if (orphan?.resumeLink && !(wantFull && orphan.mode === "delta")) {
    await db.syncRun.update({ where: { id: orphan.id }, data: { heartbeatAt: at } });
    return { run: orphan, resumed: true };
  }
  if (orphan) {
    await db.syncRun.updateMany({
      where: { tenantRef: options.tenantRef, status: "running" },
      data: { status: "abandoned", finishedAt: at, error: "The process running this sync stopped before its first page was committed" },
    });
  }
  if (options.mode === "delta" && !deltaLink) {
    throw new SyncStop("graph", "No delta link is stored for this tenant yet: run a full sync first");
  }
  const mode = wantFull || !deltaLink ? "full" : "delta";
  const run = await db.syncRun.create({
    data: { tenantRef: options.tenantRef, mode, trigger: options.trigger, status: "running", startedAt: at, heartbeatAt: at },
    select,
  });
  return { run, resumed: false };
}

async function fullSync(ctx: Ctx): Promise<void> {
  const { db, graph, options, run } = ctx;
  const pageSize = options.pageSize ?? 999;
  // Take the delta token first: changes made while we page through /devices arrive in the next delta.
  if (!run.pendingDeltaLink) {
    const latest = await graph.get(DELTA_LATEST_REQUEST, DeltaPageSchema);
    if (!latest.ok) throw stopFor(latest.error);
    const link = latest.data["@odata.deltaLink"];
    if (!link) throw new SyncStop("graph", "Graph returned no deltaLink for $deltatoken=latest");
    run.pendingDeltaLink = link;
    await db.syncRun.update({ where: { id: run.id }, data: { pendingDeltaLink: link } });
  }
  const first = run.mode === "full" && run.resumeLink ? run.resumeLink : devicesFirstPageRequest(pageSize);
  // Key presence is paged through alongside /devices (it is only network-bound) and stored at the end.
  const keyPresence = options.checkKeyPresence !== false ? collectKeyPresence(graph) : null;
  const handler: PageHandler<ReturnType<typeof DevicePageSchema.parse>> = (page) => {
    const mapped = mapDevicePage(page.value);
    return {
      objectIds: mapped.map((d) => d.objectId),
      plan: (direct, at) =>
        planDevicePage(
          direct,
          {
            tenantRef: options.tenantRef,
            devices: page.value,
            mode: "full",
            now: at,
            syncRunRef: run.id,
            baseline: ctx.baseline,
          },
          mapped,
        ),
    };
  };
  try {
    try {
      await pageThrough(ctx, first, DevicePageSchema, handler);
    } catch (error) {
      if (!(error instanceof PageTokenExpired)) throw error;
      // A resumed run's (or a very long run's) page token expired: page through /devices again from the first page.
      // The pages already committed stay; what they stored is seen again (lastSeenAt), and nothing is lost, because
      // objects missing at the end are judged by the run's start time.
      ctx.warnings.push(`Graph's page token expired (${error.failure.code}); the full sync started over from the first page.`);
      await pageThrough(ctx, devicesFirstPageRequest(pageSize), DevicePageSchema, handler);
    }
  } catch (error) {
    await keyPresence; // no request of this run outlives it
    throw error;
  }
  await finishFullSync(ctx, keyPresence);
}

async function finishFullSync(ctx: Ctx, keyPresence: Promise<KeyPresence> | null): Promise<void> {
  const { db, options, run, graph } = ctx;
  const keyPresenceStarted = Date.now();
  if (keyPresence) {
    const presence = await keyPresence;
    ctx.warnings.push(...presence.warnings);
    await storeKeyPresence(ctx.connection, { tenantRef: options.tenantRef, presence, now: ctx.now() });
  }
  ctx.keyPresenceMs += Date.now() - keyPresenceStarted;
  // A first full sync's pages left the summaries alone (write-device-page.ts, baseline): every one is built now, in name order, on the
  // sync's own connection (SQLite: its writer thread). A run that stops before this point is not finished, and the run
  // that resumes it is a first full sync too, so it builds them at its end.
  if (ctx.baseline) {
    // The directory's indexes its first page deferred (decision 052), before the rebuild, which reads the directory by
    // registration id, and before the directory's ANALYZE (which CREATE INDEX would wait for, or the other way round).
    const restore = await restoreDeferredIndexStatements(ctx.connection.reader, options.tenantRef);
    if (restore.length) await ctx.connection.batch(restore);
    // A large tenant's: with the summaries' secondary indexes dropped and created again around the inserts (decision 037).
    const rebuilt = ctx.connection.batch(await bulkRebuildStatements(ctx.connection.reader, options.tenantRef));
    // Meanwhile, on another connection (PostgreSQL; decision 046): the directory's tables, which every page wrote and the
    // rebuild only reads, are analysed. At 100,000 objects that is seconds of the server's time (its JSON columns'
    // statistics), which after the rebuild the sync would wait for. ANALYZE takes no lock the rebuild's reads or
    // writes wait for.
    const analysed = refreshPlannerStatistics(ctx.connection.reader, DIRECTORY_TABLES);
    const [rebuild, analyse] = await Promise.allSettled([rebuilt, analysed]);
    if (rebuild.status === "rejected") throw rebuild.reason;
    if (analyse.status === "rejected") throw analyse.reason;
    ctx.directoryAnalysed = true;
  }
  const at = ctx.now();
  await db.$transaction(async (tx) => {
    const missing = await tx.directoryDevice.findMany({
      where: { tenantRef: options.tenantRef, deletedAt: null, lastSeenAt: { lt: run.startedAt } },
      select: { objectId: true, deviceId: true, displayName: true },
    });
    if (missing.length) {
      await tx.directoryDevice.updateMany({
        where: { tenantRef: options.tenantRef, deletedAt: null, lastSeenAt: { lt: run.startedAt } },
        data: { deletedAt: at, deletedReason: "missing-after-full-sync" },
      });
      await tx.directoryChange.createMany({
        data: missing.map((m) => ({
          tenantRef: options.tenantRef,
          objectId: m.objectId,
          deviceId: m.deviceId,
          kind: "deleted",
          at,
          syncRunRef: run.id,
          detail: { reason: "missing-after-full-sync", displayName: m.displayName },
        })),
      });
      // Their summaries say Deleted in the same transaction (lib/device-summary).
      const summaries = new SummaryScope();
      for (const m of missing) summaries.add(m.objectId, m.deviceId, m.deviceId);
      await runStatements(tx, directDb().dialect, directoryStatements(directDb().dialect, options.tenantRef, summaries));
    }
    ctx.progress.deleted += missing.length;
    await tx.tenant.update({
      where: { id: options.tenantRef },
      data: { deltaLink: run.pendingDeltaLink, deltaLinkAt: at, lastFullSyncAt: at, lastSyncAt: at },
    });
    await tx.syncRun.update({
      where: { id: run.id },
      data: {
        status: "succeeded",
        finishedAt: at,
        heartbeatAt: at,
        resumeLink: null,
        devicesDeleted: { increment: missing.length },
        throttledWaits: graph.stats.throttledWaits,
        throttledMs: graph.stats.throttledMs,
        fallbackReason: ctx.fallbackReason,
        warnings: ctx.warnings.length ? ctx.warnings : undefined,
      },
    });
  });
}

async function deltaSync(ctx: Ctx): Promise<"done" | "expired"> {
  const { db, options, run } = ctx;
  const first = run.resumeLink ?? ctx.deltaLink;
  if (!first) throw new SyncStop("graph", "No delta link stored");
  try {
    await pageThrough(ctx, first, DeltaPageSchema, (page, next) => {
      // The page's entries in Graph's order: planDeltaPage applies them in that order, the last one winning.
      const entries: DeltaPageEntry[] = [];
      const unknownReasons = new Set<string>();
      for (const entry of page.value) {
        if (!isRemoved(entry)) {
          entries.push({ kind: "object", device: entry as GraphDevice });
          continue;
        }
        const reason = entry["@removed"].reason;
        if (reason !== "changed" && reason !== "deleted") unknownReasons.add(reason);
        entries.push({ kind: "removed", id: entry.id, reason: reason === "deleted" ? "deleted" : "changed" });
      }
      if (unknownReasons.size) {
        log("warn", "Graph sent an undocumented @removed reason; treated as 'changed' (soft delete)", {
          tenantRef: options.tenantRef,
          runId: run.id,
          reasons: [...unknownReasons],
        });
      }
      const objectIds = [...new Set(entries.map((e) => (e.kind === "object" ? e.device.id : e.id)))];
      const plan = async (direct: DirectDb, at: Date) => {
        const write = await planDeltaPage(direct, { tenantRef: options.tenantRef, entries, now: at, syncRunRef: run.id });
        const deltaLink = page["@odata.deltaLink"];
        if (deltaLink && !next) {
          // The last page: the new delta link and the run's end commit with it (one transaction fewer at the end).
          write.statements.push(
            {
              sql: `UPDATE "Tenant" SET "deltaLink" = ?, "deltaLinkAt" = ?, "lastSyncAt" = ?, "updatedAt" = ? WHERE "id" = ?`,
              params: [deltaLink, at, at, at, options.tenantRef],
            },
            {
              // The page's own SyncRun update (commitPage) sets its resume point, heartbeat and throttling figures.
              sql: `UPDATE "SyncRun" SET "status" = 'succeeded', "finishedAt" = ?, "warnings" = ? WHERE "id" = ?`,
              params: [at, ctx.warnings.length ? JSON.stringify(ctx.warnings) : null, run.id],
            },
          );
        }
        return write;
      };
      return { objectIds, plan };
    });
  } catch (error) {
    if (error instanceof DeltaExpired) {
      // Tokens last 7 days; a service reset answers 410. Resync fully and mark what is missing as deleted.
      ctx.fallbackReason = `${error.failure.code} (HTTP ${error.failure.status}): ${error.failure.message}`;
      ctx.run.mode = "full";
      ctx.run.resumeLink = null;
      ctx.progress.mode = "full";
      await db.$transaction([
        db.syncRun.update({ where: { id: run.id }, data: { mode: "full", fallbackReason: ctx.fallbackReason, resumeLink: null } }),
        db.tenant.update({ where: { id: options.tenantRef }, data: { deltaLink: null } }),
      ]);
      return "expired";
    }
    throw error;
  }
  return "done";
}

/** A /devices page token Graph no longer accepts (directory paging tokens are short-lived). */
class PageTokenExpired extends Error {
  constructor(readonly failure: Extract<GraphFailure, { kind: "http" }>) {
    super(failure.message);
  }
}

class DeltaExpired extends Error {
  constructor(readonly failure: Extract<GraphFailure, { kind: "delta-expired" }>) {
    super(failure.message);
  }
}

/**
 * A page handler does the database-independent work (mapping, hashing) as soon as the page arrives, and returns
 * the object ids the page reads and writes, and the part that reads their stored rows and builds the page's
 * statements.
 */
type PageHandler<P> = (
  page: P,
  next: string | undefined,
) => { objectIds: string[]; plan: (reader: DirectDb, at: Date) => Promise<{ statements: Statement[]; counts: PageCounts }> };

/**
 * Fetches page after page and commits each page's writes in one transaction with the run's progress, its
 * resume point (`resumeLink`) and the lease renewal: a crash leaves either the whole page and its resume point,
 * or neither. Pipelined: while page N is written (by the database server, or SQLite's writer thread), the next
 * pages are fetched, validated, mapped, diffed against the stored rows and turned into statements, and handed to
 * the connection, up to its `pagesInFlight` uncommitted pages (SQLite's writer commits the pages that wait
 * together; PostgreSQL's commits them one after another, in order). Diffing before page N commits reads the same rows as after, because
 * page N writes only its own objects: when two pages share an object (Graph repeating one across pages), the
 * later page waits for the earlier one's commit before it reads.
 */
async function pageThrough<S extends typeof DevicePageSchema | typeof DeltaPageSchema>(
  ctx: Ctx,
  firstLink: string,
  schema: S,
  handle: PageHandler<ReturnType<S["parse"]>>,
): Promise<void> {
  const { graph, options } = ctx;
  const { connection } = ctx;
  /** Pages handed to the connection so far. */
  let pagesHanded = 0;
  await runOrderedPages({
    connection,
    first: firstLink,
    fetch: (link: string) => graph.get(link, schema),
    prefetch: options.prefetch !== false,
    arrive: (result) => {
      // Stopped: no further page is handed over (the ones in flight still commit, each with its resume point).
      if (options.signal?.aborted) throw abortedStop();
      if (!result.ok) {
        if (result.error.kind === "delta-expired") return new PageFailure(new DeltaExpired(result.error));
        if (result.error.kind === "http" && result.error.code === "Directory_ExpiredPageToken") return new PageFailure(new PageTokenExpired(result.error));
        return new PageFailure(stopFor(result.error));
      }
      const page = result.data as ReturnType<S["parse"]>;
      return { page, next: page["@odata.nextLink"] || null };
    },
    plan: async (page, next, pages) => {
      const { objectIds, plan } = handle(page, next ?? undefined);
      // A page that shares an object with a page in flight reads that object's row once that page has committed.
      await pages.makeRoom(objectIds);
      const at = ctx.now();
      const { statements, counts } = await plan(connection.reader, at);
      // A first full sync of more than one page builds the directory's secondary indexes after its rows (decision 052):
      // its first page in this process drops them (PostgreSQL, when no other tenant has rows).
      const deferNow = ctx.run.mode === "full" && ctx.baseline && !ctx.indexesDeferred && Boolean(next);
      if (deferNow) ctx.indexesDeferred = true;
      const defer = deferNow ? deferDirectoryIndexes(connection.reader.dialect, options.tenantRef) : [];
      return {
        ids: objectIds,
        commit: () => {
          const commit = commitPage(ctx, connection, [...defer, ...statements], counts, next ?? undefined, at);
          // A full sync keeps the planner's statistics abreast of the tables it fills (PostgreSQL; lib/db). Run after the
          // page's commit on the same writer; a failure there fails the pages behind it, and so the run.
          if (ctx.run.mode === "full") {
            const analyse = statisticsWhileFilling(connection.reader.dialect, ++pagesHanded);
            if (analyse.length) connection.batch(analyse).catch(() => undefined);
          }
          return commit;
        },
      };
    },
  });
}

async function commitPage(
  ctx: Ctx,
  connection: SyncConnection,
  statements: Statement[],
  counts: PageCounts,
  next: string | undefined,
  at: Date,
): Promise<void> {
  const { graph, options, run, progress } = ctx;
  const lease = [options.tenantRef, ctx.holder];
  try {
    await connection.batch(
      [
        {
          // First, so that nothing of the page is written when another instance took the lease over: the
          // status becomes NULL, which the NOT NULL column refuses, and the whole transaction rolls back.
          sql: `UPDATE "SyncRun" SET "status" = CASE WHEN EXISTS (SELECT 1 FROM "SyncLease" WHERE "tenantRef" = ? AND "holder" = ?) THEN "status" ELSE NULL END,
          "resumeLink" = ?, "pages" = "pages" + 1, "devicesSeen" = "devicesSeen" + ?, "devicesAdded" = "devicesAdded" + ?,
          "devicesChanged" = "devicesChanged" + ?, "devicesDeleted" = "devicesDeleted" + ?, "heartbeatAt" = ?, "throttledWaits" = ?, "throttledMs" = ?
          WHERE "id" = ?`,
          params: [
            ...lease,
            next ?? null,
            counts.seen,
            counts.added,
            counts.changed,
            counts.deleted,
            at,
            graph.stats.throttledWaits,
            graph.stats.throttledMs,
            run.id,
          ],
        },
        ...statements,
        { sql: `UPDATE "SyncLease" SET "expiresAt" = ? WHERE "tenantRef" = ? AND "holder" = ?`, params: [new Date(at.getTime() + ctx.ttl), ...lease] },
      ],
      { hold: run.mode === "full" },
    );
  } catch (error) {
    if (await leaseLost(connection.reader, options.tenantRef, ctx.holder)) {
      throw new SyncStop("already-running", "The sync lease was taken over by another instance; this run stops");
    }
    throw error;
  }
  progress.pages++;
  progress.devicesSeen += counts.seen;
  progress.added += counts.added;
  progress.changed += counts.changed;
  progress.deleted += counts.deleted;
  progress.throttledWaits = graph.stats.throttledWaits;
  progress.elapsedMs = Date.now() - ctx.started;
  options.onProgress?.({ ...progress });
  if (options.signal?.aborted) {
    throw abortedStop();
  }
}

function abortedStop(): SyncStop {
  return new SyncStop("aborted", "The sync was stopped; the next run resumes from the last committed page");
}

async function leaseLost(direct: DirectDb, tenantRef: string, holder: string): Promise<boolean> {
  const rows = await direct.query<{ holder: string }>(`SELECT "holder" FROM "SyncLease" WHERE "tenantRef" = ?`, [tenantRef]);
  return rows[0]?.holder !== holder;
}

/**
 * Findings follow the directory: a full sync re-evaluates every device (it also refreshes time-based
 * rules such as stale-device); a delta sync only the objects written since the run started.
 */
async function evaluateAfterSync(ctx: Ctx): Promise<void> {
  const { db, options, run } = ctx;
  const at = ctx.now();
  if (run.mode === "full") {
    await reevaluateAllFindings(db, options.tenantRef, at);
    return;
  }
  const changed = await db.directoryDevice.findMany({
    where: { tenantRef: options.tenantRef, updatedAt: { gte: run.startedAt } },
    select: { deviceId: true, objectId: true },
  });
  if (changed.length === 0) return;
  await reevaluateFindings({
    tenantRef: options.tenantRef,
    scope: {
      deviceIds: changed.map((c) => c.deviceId).filter((d): d is string => !!d),
      objectIds: changed.filter((c) => !c.deviceId).map((c) => c.objectId),
    },
    now: at,
  });
}

function stopFor(error: GraphFailure): SyncStop {
  switch (error.kind) {
    case "auth":
      return new SyncStop("auth", error.message);
    case "forbidden":
      return new SyncStop(
        "forbidden",
        `Graph refused the request (${error.code}): grant the app the Device.Read.All application permission and admin consent. ${error.message}`,
      );
    default:
      return new SyncStop("graph", error.message);
  }
}

async function failRun(db: Db, runId: string, message: string, graph: GraphClient, at: Date): Promise<void> {
  await db.syncRun.update({
    where: { id: runId },
    data: { status: "failed", finishedAt: at, error: message.slice(0, 2000), throttledWaits: graph.stats.throttledWaits, throttledMs: graph.stats.throttledMs },
  });
}
