import "server-only";
import { randomUUID } from "node:crypto";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { directDb, insertStatements, type DirectDb, type Statement } from "@/lib/db/direct";
import { acquireLease, releaseLease, type Lease } from "@/lib/db/lease";
import { createGraphClient, type GraphClient, type GraphFailure } from "@/lib/graph/graph-client";
import type { ResilienceOptions } from "@/lib/graph/resilience-middleware";
import { evaluateSignIn } from "@/lib/rules/signin/evaluate-sign-in";
import { loadTenantApp } from "@/lib/sync/load-tenant-app";
import { describePullFailure } from "./describe-pull-failure";
import { SignInPageSchema } from "./graph-sign-in-schema";
import { findStoredSignInIds } from "./find-stored-sign-in-ids";
import { indexReportUsers } from "./index-report-users";
import { loadSignInContext, ReportCache } from "./load-sign-in-context";
import { mapGraphSignIn } from "./map-graph-sign-in";
import { rejoinSignIns } from "./rejoin-sign-ins";
import { startSignInRowUpgrade, upgradeSignInRows } from "./upgrade-sign-in-rows";
import { expireStatements, LatestWritten, RollupDelta, type RollupRow } from "./sign-in-rollups";
import { SIGN_IN_EVENT_COLUMNS, signInRow } from "./sign-in-row";
import { openSyncConnection } from "@/lib/sync/open-sync-connection";
import { PageFailure, runOrderedPages } from "@/lib/sync/ordered-page-pipeline";
import { SIGN_IN_PAGE_SIZE, SIGN_IN_QUERIES, SIGN_IN_REQUEST_WINDOW, signInsRequest, type SignInQuery } from "./sign-in-requests";

export type SignInPullStatus = "ok" | "no-licence" | "no-permission" | "failed" | "already-running" | "not-configured" | "aborted";

export interface SignInPullProgress {
  pages: number;
  /** Sign-ins read (all of them, also those not about the device and those already stored). */
  seen: number;
  /** New rows: device-related sign-ins not stored before. */
  stored: number;
  throttledWaits: number;
}

export interface SignInPullResult extends SignInPullProgress {
  status: SignInPullStatus;
  /** Plain words for the Sync page and Test connection; null when the pull succeeded. */
  message: string | null;
  window: { from: string; to: string } | null;
  resumed: boolean;
  /** Rows dropped by the retention. */
  expired: number;
  /** Stored sign-ins joined again because their user's machine reported after they were pulled. */
  rejoined: number;
  /** Rows stored before migration 20261211400000 rewritten by its backfill (lib/signins/upgrade-sign-in-rows.ts). */
  upgraded: number;
  elapsedMs: number;
}

export interface PullSignInsOptions {
  tenantRef: string;
  /** Inject a client (tests, bench); by default one is built from the tenant's app registration. */
  graph?: GraphClient;
  resilience?: ResilienceOptions;
  now?: () => Date;
  /** Each pull starts this long before the last one's end: the log receives events late; ids de-duplicate. Default 60. */
  overlapMinutes?: number;
  /** Default JOINSCOPE_SIGNIN_RETENTION_DAYS (30, the log's own): a first pull reads this far back, older rows go. */
  retentionDays?: number;
  pageSize?: number;
  holder?: string;
  leaseTtlMs?: number;
  /** Checked after every committed page: aborting leaves the run resumable, as a crash would. */
  signal?: AbortSignal;
  onProgress?: (progress: SignInPullProgress) => void;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

type PullRow = {
  pulledThrough: unknown;
  windowFrom: unknown;
  windowTo: unknown;
  query: string | null;
  resumeLink: string | null;
  reportsIndexedThrough: unknown;
};

/**
 * Pulls the sign-ins Conditional Access blocked (or failed with a device error) since the last pull, joins each with
 * the device, explains it with the sign-in rules and stores it (docs/domain.md, "Reading the sign-in log"). Every page
 * commits in one transaction with the run's resume point, so a stopped pull continues from its last page; the window
 * overlaps the previous one and rows are unique by Graph's id. A missing licence or permission ends the pull with a
 * plain-words status, never an exception: the directory sync does not depend on it.
 */
export async function pullSignIns(db: Db, options: PullSignInsOptions): Promise<SignInPullResult> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const progress: SignInPullProgress = { pages: 0, seen: 0, stored: 0, throttledWaits: 0 };
  const result = (status: SignInPullStatus, message: string | null, extra: Partial<SignInPullResult> = {}): SignInPullResult => ({
    status,
    message,
    window: null,
    resumed: false,
    expired: 0,
    rejoined: 0,
    upgraded: 0,
    ...progress,
    ...extra,
    elapsedMs: Date.now() - started,
  });
  let graph = options.graph;
  if (!graph) {
    const loaded = await loadTenantApp(db, options.tenantRef);
    if (!loaded.ok) return result("not-configured", loaded.error.message);
    graph = createGraphClient(loaded.app, { requestWindow: SIGN_IN_REQUEST_WINDOW, ...options.resilience });
  }
  const direct = directDb();
  const holder = options.holder ?? `${process.pid}-${randomUUID()}`;
  const ttl = options.leaseTtlMs ?? 120_000;
  const lease: Lease = { table: "SignInLease", tenantRef: options.tenantRef, holder };
  if (!(await acquireLease(direct, lease, ttl, now()))) return result("already-running", "A sign-in pull of this tenant is already running.");
  try {
    return await pull(db, direct, graph, options, { holder, ttl, now, progress, result });
  } finally {
    if (!options.signal?.aborted) await releaseLease(direct, lease).catch(() => undefined);
  }
}

async function pull(
  db: Db,
  direct: DirectDb,
  graph: GraphClient,
  options: PullSignInsOptions,
  run: {
    holder: string;
    ttl: number;
    now: () => Date;
    progress: SignInPullProgress;
    result: (status: SignInPullStatus, message: string | null, extra?: Partial<SignInPullResult>) => SignInPullResult;
  },
): Promise<SignInPullResult> {
  const { tenantRef } = options;
  const { now, progress } = run;
  const startedAt = now();
  const retentionDays = options.retentionDays ?? config.JOINSCOPE_SIGNIN_RETENTION_DAYS;
  const overlap = (options.overlapMinutes ?? 60) * MINUTE;
  const pageSize = options.pageSize ?? SIGN_IN_PAGE_SIZE;

  // A tenant's first pull: no row of it predates the compact form (migration 20261211400000), nothing to backfill.
  await db.signInPull.upsert({ where: { tenantRef }, create: { tenantRef, rowsUpgraded: true }, update: {} });
  await startSignInRowUpgrade(direct, tenantRef);
  const state = (
    await direct.query<PullRow>(
      `SELECT "pulledThrough", "windowFrom", "windowTo", "query", "resumeLink", "reportsIndexedThrough" FROM "SignInPull" WHERE "tenantRef" = ?`,
      [tenantRef],
    )
  )[0]!;
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { lastFullSyncAt: true } });

  // The users of the reports received since the last pull, for the join by user and time.
  const indexed = await indexReportUsers(direct, { tenantRef, since: date(state.reportsIndexedThrough), until: startedAt });
  const cache = new ReportCache();
  const directorySynced = tenant.lastFullSyncAt !== null;
  const rejoined = indexed.users.size ? await rejoinSignIns(direct, { tenantRef, users: indexed.users, cache, directorySynced, now: startedAt }) : 0;
  if (indexed.indexedThrough) await db.signInPull.update({ where: { tenantRef }, data: { reportsIndexedThrough: indexed.indexedThrough } });

  const resumed = date(state.windowFrom) !== null && date(state.windowTo) !== null;
  const floor = startedAt.getTime() - retentionDays * DAY;
  const from = resumed ? date(state.windowFrom)! : new Date(Math.max(floor, (date(state.pulledThrough)?.getTime() ?? floor) - overlap));
  const to = resumed ? date(state.windowTo)! : startedAt;
  const query: SignInQuery = resumed && (SIGN_IN_QUERIES as readonly string[]).includes(state.query ?? "") ? (state.query as SignInQuery) : SIGN_IN_QUERIES[0];
  const link: string | null = resumed ? state.resumeLink : null;
  if (!resumed) {
    await db.signInPull.update({
      where: { tenantRef },
      data: { windowFrom: from, windowTo: to, query, resumeLink: null, lastRunAt: startedAt, lastSeen: 0, lastStored: 0 },
    });
  } else {
    await db.signInPull.update({ where: { tenantRef }, data: { lastRunAt: startedAt } });
  }
  const window = { from: from.toISOString(), to: to.toISOString() };

  /** The page the pipeline reads next: a query and its nextLink (null: the query's first page). */
  let cursor: Cursor = { query, link };
  /** Each device's and user's latest sign-in per cause written by this run's pages (their upserts are skipped after). */
  const latestWritten = new LatestWritten();
  const connection = openSyncConnection();
  const lostLease = () => run.result("already-running", "Another instance took the sign-in pull over; this one stopped.", { window, resumed });
  const request = (cursor: Cursor) => graph.get(cursor.link ?? signInsRequest(cursor.query, from, to, pageSize), SignInPageSchema);
  // The next page is requested as soon as a page arrives, and a page's rows are written (SQLite: on the writer
  // thread; PostgreSQL: by the server) while the next one is fetched, joined and explained, as the directory sync
  // does (lib/sync/ordered-page-pipeline.ts). Every page is still one transaction with its resume point, committed in order.
  try {
    await runOrderedPages({
      connection,
      first: cursor,
      fetch: request,
      stopped: () => options.signal?.aborted === true,
      arrive: (page) => {
        progress.throttledWaits = graph.stats.throttledWaits;
        if (!page.ok) return new PageFailure(new PageFailed(page.error));
        // The query's next page, else the next query's first, else the end.
        const nextLink = page.data["@odata.nextLink"] ?? null;
        const nextQuery = nextLink ? cursor.query : SIGN_IN_QUERIES[SIGN_IN_QUERIES.indexOf(cursor.query) + 1];
        const next = nextQuery ? { query: nextQuery, link: nextLink } : null;
        if (next) cursor = next;
        return { page: page.data, next };
      },
      plan: async (page, next, inFlight) => {
        const at = now();
        const all = page.value.map(mapGraphSignIn);
        // The overlap reads again what the last pull stored: those are skipped (this pull holds the lease, so no other
        // writes them meanwhile), and the counts move only for new rows. The pages still in flight are not committed
        // yet: their ids are checked here (the two queries can return one sign-in twice).
        const known = await findStoredSignInIds(connection.reader, { tenantRef, events: all });
        const events = all.filter((e) => !known.has(e.id) && !inFlight.holds(e.id) && (known.add(e.id), true));
        const loaded = await loadSignInContext(direct, { tenantRef, events, cache, directorySynced });
        const rows = [];
        const delta = new RollupDelta();
        for (const item of loaded) {
          const evaluation = evaluateSignIn(item.subject);
          if (!evaluation.deviceRelated) continue;
          const row = signInRow(tenantRef, item, evaluation, at);
          rows.push(row);
          delta.add(row as unknown as RollupRow);
        }
        delta.dropWritten(latestWritten);
        const statements: Statement[] = [
          {
            // First: when another instance took the lease over, status becomes NULL, the NOT NULL column refuses it, and
            // nothing of the page is written.
            sql: `UPDATE "SignInPull" SET "status" = CASE WHEN EXISTS (SELECT 1 FROM "SignInLease" WHERE "tenantRef" = ? AND "holder" = ?) THEN "status" ELSE NULL END,
          "query" = ?, "resumeLink" = ?, "lastSeen" = "lastSeen" + ?, "lastStored" = "lastStored" + ?, "throttledWaits" = ? WHERE "tenantRef" = ?`,
            params: [tenantRef, run.holder, next?.query ?? null, next?.link ?? null, all.length, rows.length, progress.throttledWaits, tenantRef],
          },
          ...insertStatements(direct.dialect, "SignInEvent", SIGN_IN_EVENT_COLUMNS, rows, {
            target: ["tenantRef", "createdDateTime", "signInId"],
            nothing: true,
          }),
          ...delta.statements(direct, tenantRef),
          {
            sql: `UPDATE "SignInLease" SET "expiresAt" = ? WHERE "tenantRef" = ? AND "holder" = ?`,
            params: [new Date(at.getTime() + run.ttl), tenantRef, run.holder],
          },
        ];
        return {
          ids: events.map((e) => e.id),
          // A page counts once committed, as a crash would count it.
          commit: () =>
            connection.batch(statements, { hold: true }).then(
              () => {
                progress.pages++;
                progress.seen += all.length;
                progress.stored += rows.length;
                options.onProgress?.({ ...progress });
              },
              async (error: unknown) => {
                const held = await direct.query<{ holder: string }>(`SELECT "holder" FROM "SignInLease" WHERE "tenantRef" = ?`, [tenantRef]);
                throw held[0]?.holder !== run.holder ? new LeaseLost() : error;
              },
            ),
        };
      },
    });
  } catch (error) {
    if (error instanceof LeaseLost) return lostLease();
    if (!(error instanceof PageFailed)) throw error;
    const { status, message } = describePullFailure(error.failure);
    // A licence or permission that is missing now may be granted before the next pull: that one starts afresh.
    const keepWindow = status === "failed";
    await db.signInPull.update({
      where: { tenantRef },
      data: {
        status,
        message,
        throttledWaits: progress.throttledWaits,
        ...(keepWindow ? {} : { windowFrom: null, windowTo: null, query: null, resumeLink: null }),
      },
    });
    return run.result(status, message, { window, resumed, rejoined });
  } finally {
    await connection.close();
  }
  if (options.signal?.aborted) return run.result("aborted", "The pull was stopped; the next one resumes from its last page.", { window, resumed });

  const expiry = expireStatements(tenantRef, new Date(now().getTime() - retentionDays * DAY));
  const [expired] = await direct.batch([
    ...expiry.statements,
    // A report older than the retention (and the join's window) joins no sign-in that is kept.
    { sql: `DELETE FROM "ReportUser" WHERE "tenantRef" = ? AND "capturedAt" < ?`, params: [tenantRef, new Date(expiry.cutoff.getTime() - DAY)] },
    {
      sql: `UPDATE "SignInPull" SET "status" = 'ok', "message" = NULL, "pulledThrough" = ?, "windowFrom" = NULL, "windowTo" = NULL, "query" = NULL, "resumeLink" = NULL, "lastSuccessAt" = ?, "throttledWaits" = ? WHERE "tenantRef" = ?`,
      params: [to, now(), progress.throttledWaits, tenantRef],
    },
  ]);
  // Rows stored before the compact form, a bounded part per pull, once the pull's own work is done.
  const { upgraded } = await upgradeSignInRows(direct, { tenantRef });
  return run.result("ok", null, { window, resumed, rejoined, expired: expired ?? 0, upgraded });
}

type Cursor = { query: SignInQuery; link: string | null };

/** A page Graph refused (licence, permission, throttling past its retries): the pull ends with its plain-words status. */
class PageFailed extends Error {
  constructor(readonly failure: GraphFailure) {
    super(failure.message);
  }
}

/** A page's commit failed because another instance took the lease over. */
class LeaseLost extends Error {}

function date(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value as string);
}
