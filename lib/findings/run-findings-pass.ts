import "server-only";
import { trackSettled, type Tracked } from "@/lib/async/track-settled";
import { config } from "@/lib/config";
import { directDb, encodeValue, inList, insertStatements, queryIn, readBool, type DirectDb, type Statement } from "@/lib/db/direct";
import { chunk } from "@/lib/db/in-list";
import { FINDING_COLUMNS, FINDING_EVENT_COLUMNS } from "@/lib/db/finding-columns";
import { preEncoded } from "@/lib/db/pre-encoded";
import { openPostgresWriter } from "@/lib/db/postgres-writer";
import { openSqliteWriter } from "@/lib/db/sqlite-writer";
import { timeOrderedId } from "@/lib/db/time-ordered-id";
import { findingsStatements, type SubjectFindings } from "@/lib/device-summary/summary-statements";
import { summarizeOpenFindings } from "@/lib/device-summary/summarize-open-findings";
import type { EvaluatedSubject } from "./evaluate-subject";
import { expireAcknowledgements } from "./expire-acknowledgements";
import { loadSubjectContext, type SubjectScope } from "./load-subject-context";
import { planFindingsLifecycle, type ExistingFinding } from "./plan-findings-lifecycle";
import { openSubjectEvaluator, WORKER_QUEUE, type SubjectEvaluator } from "./subject-evaluator";

export type ReevaluationScope = SubjectScope;

export interface PassOptions {
  tenantRef: string;
  scope: ReevaluationScope;
  now?: Date;
  /** Subjects per write transaction (WRITE_BATCH); smaller only to exercise the multi-batch pipeline in tests. */
  writeBatch?: number;
  /**
   * Evaluate on a thread of its own (subject-evaluator.ts). Default: when the pass has more than
   * EVALUATE_ON_WORKER_FROM subjects; tests set it to exercise either path.
   */
  evaluateOnWorker?: boolean;
}

export interface ReevaluationResult {
  subjects: number;
  opened: number;
  reopened: number;
  resolved: number;
  updated: number;
  unchanged: number;
  /** Acknowledgements whose expiry had come, cleared at the pass's start (expire-acknowledgements.ts). */
  ackExpired: number;
}

/**
 * Subjects read per query round. Small, so a batch's report bodies die young: in larger batches they outlive
 * young-generation collections, which copy them and then cost more than the rules (bench/RESULTS.md, "Figures behind choices in the code").
 */
export const SUBJECT_BATCH = 100;
/**
 * Subjects per transaction. Large, because each commit rewrites every index page it touched (9 indexes on
 * Finding and FindingEvent), so small transactions write more slowly. Not larger: a batch's findings wait in memory
 * until written, and in larger batches more of them outlive young-generation collections, which raises the peak
 * memory without making the pass quicker (bench/RESULTS.md, "Figures behind choices in the code").
 */
const WRITE_BATCH = 2_000;

/**
 * Evidence and remediation are written as the JSON text made for the fingerprint: SQLite stores Json as that
 * text, and PostgreSQL reads a text parameter into a jsonb column (lib/db/direct.ts encodes "json" the same way).
 * The times a pass writes are all its `now`, passed already encoded (encodeValue "datetime", once per batch).
 */
const FINDING_WRITE_COLUMNS = preEncoded(FINDING_COLUMNS, ["evidence", "remediation", "firstSeenAt", "lastSeenAt", "resolvedAt", "acknowledgedAt"]);

/**
 * The primary-finding columns are not in the fingerprint: a finding's own text can stay the same while the finding
 * becomes or stops being its device's primary cause (another root cause appears or clears).
 */
const PRIMARY_COLUMNS = ["isPrimary", "explainedBy", "rankSeverity"] as const;
const CONTENT = ["severity", "title", "explanation", "evidence", "remediation", "fingerprint", ...PRIMARY_COLUMNS, "deviceId", "objectId", "hostname"] as const;
const FINDING_KEY = ["tenantRef", "subjectKey", "rule"] as const;
/** A changed finding: new content, seen now; status, first-seen and acknowledgement stay. */
const ON_UPDATED = { target: FINDING_KEY, update: [...CONTENT, "lastSeenAt"] };
/** A resolved finding that returns: the same row (same id, first-seen) open again, unacknowledged. */
const ON_REOPENED = {
  target: FINDING_KEY,
  update: [...CONTENT, "lastSeenAt", "status", "resolvedAt", "acknowledgedAt", "acknowledgedBy", "ackComment", "ackTicket", "ackUntil"],
};

const EVENT_WRITE_COLUMNS = preEncoded(FINDING_EVENT_COLUMNS, ["at"]);

/**
 * One findings pass: re-evaluates the rules for a tenant's devices and applies the findings lifecycle
 * (planFindingsLifecycle): a finding is opened when first seen, keeps firstSeenAt/lastSeenAt, is resolved when its
 * condition clears and reopened if it returns. Scope "all" also resolves findings whose subject no longer exists.
 * Idempotent: the same data evaluated twice changes nothing but lastSeenAt.
 *
 * Subjects are read and evaluated SUBJECT_BATCH at a time, one parsed report at a time, and their findings written
 * WRITE_BATCH subjects per transaction in multi-row statements (new and changed rows whole, unchanged ones only
 * lastSeenAt): through the driver (lib/db/direct.ts), or on SQLite by a writer thread while the next batch is
 * read and evaluated (openWriteSink).
 *
 * Not serialised: callers go through lib/findings/findings-scheduler.ts, which runs one pass per tenant at a time
 * (decision 009).
 */
export async function runFindingsPass(options: PassOptions): Promise<ReevaluationResult> {
  const direct = directDb();
  // A pass over a large tenant starts its evaluation thread before it reads the subjects, so the thread boots (tsx
  // loads the rules: ~0.4 s of CPU) on the core that is idle while this one reads the directory and report heads.
  // A pass found large only once read (a tenant of agents without a synced directory) starts it then.
  let evaluator: SubjectEvaluator | null =
    options.evaluateOnWorker !== undefined
      ? openSubjectEvaluator(options.evaluateOnWorker)
      : options.scope === "all" && (await directoryObjectCount(direct, options.tenantRef)) > EVALUATE_ON_WORKER_FROM
        ? openSubjectEvaluator(true)
        : null;
  try {
    return await evaluatePass(direct, options, (subjects) => (evaluator ??= openSubjectEvaluator(subjects > EVALUATE_ON_WORKER_FROM)));
  } finally {
    await evaluator?.close();
  }
}

/**
 * Where a pass's write transactions go: statements are added to the current transaction, `commit()` ends it.
 * `streaming`: each addition leaves this thread's heap at once (to the writer thread, which runs the transaction
 * at its commit), so a pass adds its statements per read batch; otherwise they are kept here until the commit.
 */
interface WriteSink {
  readonly streaming: boolean;
  add(statements: Statement[]): void;
  /** Resolves once the transaction of everything added since the last commit is committed. */
  commit(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A pass of more than one write batch writes on a thread of its own, so writing (a fifth of a full pass on one core)
 * overlaps reading and evaluating. SQLite (lib/db/sqlite-writer.ts): its statements are handed to the thread per read
 * batch: held here until their transaction's end, a write batch's findings outlived young-generation collections,
 * which copied them. PostgreSQL (lib/db/postgres-writer.ts): a write batch's statements go to the thread at its
 * commit, and the thread serialises their parameters and drives the round trips, which on this thread waited for
 * the reading and evaluating between them (decision 026). A small incremental pass is one batch and would only pay
 * the thread's start-up.
 */
function openWriteSink(direct: DirectDb, subjects: number, writeBatch: number): WriteSink {
  if (direct.dialect === "postgresql" && subjects > writeBatch) {
    const writer = openPostgresWriter(config.DATABASE_URL);
    let statements: Statement[] = [];
    return {
      streaming: false,
      add: (more) => void statements.push(...more),
      async commit() {
        const batch = statements;
        statements = [];
        await writer.batch(batch);
      },
      close: () => writer.close(),
    };
  }
  if (direct.dialect !== "sqlite" || subjects <= writeBatch) {
    let statements: Statement[] = [];
    return {
      streaming: false,
      add: (more) => void statements.push(...more),
      async commit() {
        const batch = statements;
        statements = [];
        await direct.batch(batch);
      },
      close: async () => undefined,
    };
  }
  const writer = openSqliteWriter(config.DATABASE_URL);
  return {
    streaming: true,
    add: (statements) => void writer.batch(statements, { commit: false }),
    commit: async () => void (await writer.batch([], { commit: true })),
    close: () => writer.close(),
  };
}

/** Passes of more subjects than this evaluate on a thread of their own (subject-evaluator.ts). */
const EVALUATE_ON_WORKER_FROM = 5_000;
/**
 * Read batches evaluated or being evaluated and not yet written. A finished batch is written as soon as the ones
 * before it are; at this many, the pass waits for the oldest. Two more than the evaluation thread holds: this
 * thread evaluates a batch itself only while the other is that far ahead: on two cores (the writer thread shares
 * them) it then evaluates about a quarter of the batches, which was quickest; holding more made this thread evaluate
 * half of them and become the slower of the two (bench/RESULTS.md, "Figures behind choices in the code").
 */
const BATCHES_IN_EVALUATION = WORKER_QUEUE + 2;

async function directoryObjectCount(direct: DirectDb, tenantRef: string): Promise<number> {
  const [row] = await direct.query(`SELECT COUNT(*) AS "n" FROM "DirectoryDevice" WHERE "tenantRef" = ?`, [tenantRef]);
  return Number(row?.n ?? 0);
}

async function evaluatePass(direct: DirectDb, options: PassOptions, evaluatorFor: (subjects: number) => SubjectEvaluator): Promise<ReevaluationResult> {
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  const ctx = await loadSubjectContext({ tenantRef: options.tenantRef, scope: options.scope, direct });
  const settings = { ...ctx.settings, now: nowIso };
  // Lapsed acknowledgements first, whatever the scope: the findings they cover are open again from this pass on.
  const ackExpired = await expireAcknowledgements(direct, options.tenantRef, now);
  const result: ReevaluationResult = { subjects: 0, opened: 0, reopened: 0, resolved: 0, updated: 0, unchanged: 0, ackExpired };
  const writeBatch = options.writeBatch ?? WRITE_BATCH;
  // Scope "all" also resolves the findings of subjects that no longer exist: the subjects with findings now that
  // this pass will not evaluate (a subject that appears meanwhile is another pass's to evaluate, not an orphan).
  const orphanKeys = options.scope === "all" ? await subjectsWithFindingsBesides(direct, options.tenantRef, new Set(ctx.keys)) : [];
  const sink = openWriteSink(direct, ctx.keys.length, writeBatch);
  const summaries = await openSummaryWrites(direct, options.tenantRef, options.scope === "all", ctx.keys.length > writeBatch);
  const evaluator = evaluatorFor(ctx.keys.length);
  // At most one transaction being committed while the next batch is read and evaluated. Each batch's subjects are
  // disjoint from the others', so a batch's existing findings read the same whether or not an earlier batch's
  // write has committed yet.
  let committing: Promise<void> = Promise.resolve();
  const commit = async () => {
    await committing;
    committing = sink.commit();
    committing.catch(() => undefined); // awaited before the next commit and at the end; not an unhandled rejection meanwhile
  };
  /** Read batches being evaluated or evaluated, in order (on the evaluation thread, several at once, or here). */
  const evaluating: Tracked<EvaluatedSubject[]>[] = [];
  try {
    let evaluated: EvaluatedSubject[] = [];
    let inTransaction = 0;
    const readBatch = Math.min(SUBJECT_BATCH, writeBatch);
    const batches = Math.ceil(ctx.keys.length / readBatch);
    let written = 0;
    /** The oldest batch's findings into the current transaction, which commits at writeBatch subjects or at the end. */
    const writeOldest = async () => {
      const batch = await evaluating.shift()!.promise;
      for (const s of batch) evaluated.push(s);
      result.subjects += batch.length;
      inTransaction += batch.length;
      const last = ++written === batches;
      if (sink.streaming || inTransaction >= writeBatch || last) {
        sink.add(await lifecycleStatements(direct, options.tenantRef, evaluated, now, result, summaries));
        evaluated = [];
      }
      if (inTransaction >= writeBatch || last) {
        await commit();
        inTransaction = 0;
      }
    };
    for await (const pending of ctx.batches(readBatch)) {
      // Awaited in order by writeOldest.
      evaluating.push(
        trackSettled(
          evaluator.evaluate(
            pending.map((p) => p.raw()),
            settings,
          ),
        ),
      );
      while (evaluating.length > 0 && (evaluating[0]!.settled || evaluating.length >= BATCHES_IN_EVALUATION)) await writeOldest();
    }
    while (evaluating.length > 0) await writeOldest();
    await committing;
    if (orphanKeys.length > 0) {
      await resolveOrphans(direct, sink, options.tenantRef, orphanKeys, now, result, summaries);
      await sink.commit();
    }
    for (const transaction of await summaries.finish()) {
      sink.add(transaction);
      await sink.commit();
    }
  } finally {
    await Promise.allSettled(evaluating.map((e) => e.promise));
    await committing.catch(() => undefined);
    await sink.close();
  }
  return result;
}

/** Subject keys that have findings (open or not) and are not among `live`: read from the unique index alone. */
async function subjectsWithFindingsBesides(direct: DirectDb, tenantRef: string, live: Set<string>): Promise<string[]> {
  const rows = await direct.query<{ subjectKey: string }>(`SELECT DISTINCT "subjectKey" FROM "Finding" WHERE "tenantRef" = ?`, [tenantRef]);
  return rows.map((r) => r.subjectKey).filter((k) => !live.has(k));
}

/** Open findings whose subject vanished entirely (e.g. a report-only host that later joined under a deviceId). */
async function resolveOrphans(
  direct: DirectDb,
  sink: WriteSink,
  tenantRef: string,
  subjectKeys: string[],
  now: Date,
  result: ReevaluationResult,
  summaries: SummaryWrites,
): Promise<void> {
  const orphaned = await queryIn<{ id: string; subjectKey: string }>(
    direct,
    `SELECT "id", "subjectKey" FROM "Finding" WHERE "tenantRef" = ? AND "status" = 'open' AND {in}`,
    "subjectKey",
    subjectKeys,
    [tenantRef],
  );
  // Their devices' summaries: nothing open any more.
  const subjects = [...new Set(orphaned.map((f) => f.subjectKey))].map((key) => summarizeOpenFindings(key, []));
  for (const part of chunk(orphaned)) {
    sink.add([
      resolveStatement(
        part.map((f) => f.id),
        now,
      ),
      ...insertStatements(
        direct.dialect,
        "FindingEvent",
        EVENT_WRITE_COLUMNS,
        part.map((f) => ({
          id: timeOrderedId(),
          tenantRef,
          findingRef: f.id,
          subjectKey: f.subjectKey,
          kind: "resolved",
          at: encodeValue(direct.dialect, "datetime", now),
          detail: "The device is no longer known",
        })),
      ),
    ]);
    result.resolved += part.length;
  }
  sink.add(summaries.write(subjects));
}

function resolveStatement(ids: string[], now: Date): Statement {
  return { sql: `UPDATE "Finding" SET "status" = 'resolved', "resolvedAt" = ? WHERE ${inList("id", ids.length)}`, params: [now, ...ids] };
}

async function readExisting(direct: DirectDb, tenantRef: string, keys: string[]): Promise<ExistingFinding[]> {
  const rows = await queryIn(
    direct,
    `SELECT "id", "subjectKey", "rule", "status", "fingerprint", "isPrimary", "explainedBy", "rankSeverity" FROM "Finding" WHERE "tenantRef" = ? AND {in}`,
    "subjectKey",
    keys,
    [tenantRef],
  );
  for (const r of rows) r.isPrimary = readBool(r.isPrimary) === true;
  return rows as unknown as ExistingFinding[];
}

/**
 * One write batch's lifecycle transaction: reads the subjects' existing findings, plans the lifecycle
 * (planFindingsLifecycle, pure), counts the outcome into `result` and returns the statements.
 */
async function lifecycleStatements(
  direct: DirectDb,
  tenantRef: string,
  batch: EvaluatedSubject[],
  now: Date,
  result: ReevaluationResult,
  summaries: SummaryWrites,
): Promise<Statement[]> {
  const existing = await readExisting(
    direct,
    tenantRef,
    batch.map((s) => s.key),
  );
  // Every time this batch writes is `now`: encoded once, not once per row and column.
  const at = encodeValue(direct.dialect, "datetime", now) as string;
  const plan = planFindingsLifecycle({ tenantRef, existing, evaluated: batch, at, newId: timeOrderedId });
  result.opened += plan.counts.opened;
  result.reopened += plan.counts.reopened;
  result.resolved += plan.counts.resolved;
  result.updated += plan.counts.updated;
  result.unchanged += plan.counts.unchanged;

  const d = direct.dialect;
  return [
    ...insertStatements(d, "Finding", FINDING_WRITE_COLUMNS, plan.created, undefined, FINDING_COLUMNS),
    // The existing row's id and unique key make these updates of that row (firstSeenAt is not in the update list).
    ...insertStatements(d, "Finding", FINDING_WRITE_COLUMNS, plan.changed, ON_UPDATED, FINDING_COLUMNS),
    ...insertStatements(d, "Finding", FINDING_WRITE_COLUMNS, plan.reopened, ON_REOPENED, FINDING_COLUMNS),
    ...chunk(plan.touchIds).map((ids) => ({ sql: `UPDATE "Finding" SET "lastSeenAt" = ? WHERE ${inList("id", ids.length)}`, params: [now, ...ids] })),
    ...chunk(plan.resolvedIds).map((ids) => resolveStatement(ids, now)),
    ...insertStatements(d, "FindingEvent", EVENT_WRITE_COLUMNS, plan.events, undefined, FINDING_EVENT_COLUMNS),
    ...summaries.write(batch.filter((s) => summaries.everySubject || plan.changedSubjects.has(s.key)).map((s) => summarizeOpenFindings(s.key, s.findings))),
  ];
}

/**
 * Where a pass's summary findings columns go (decision 012: the summaries of the subjects whose open findings it
 * changed). A pass of one write batch writes them in that batch's transaction. A pass of several keeps them until its
 * findings are all in and writes them in one last transaction, in the order of the summaries' names (decision 029):
 * the columns it sets are in five of the summaries' sort indexes, each (tenantRef, column, …, nameKey, rowKey), and in
 * the pass's subject-key order every entry went somewhere else in them, so each write batch rewrote most of those
 * indexes' pages; in name order each one lands next to the one before. Tenant.summaryFindingsPending is set before the
 * first batch and cleared in that last transaction: a pass that stops between them leaves it set, and the next full
 * pass then writes every subject's columns (`everySubject`), not only those whose findings it changed (an update that
 * changes nothing writes nothing). Only one pass per tenant runs at a time (findings-scheduler.ts), and nothing else
 * changes a finding, so the columns written at the end are what the findings say then.
 */
interface SummaryWrites {
  /** Write every evaluated subject's columns, changed or not (the last deferring pass did not finish). */
  readonly everySubject: boolean;
  /** The statements for these subjects' columns in the current transaction (none when deferred). */
  write(subjects: SubjectFindings[]): Statement[];
  /** The last transactions' statements, one list per transaction (none when nothing is left to write). */
  finish(): Promise<Statement[][]>;
}

async function openSummaryWrites(direct: DirectDb, tenantRef: string, full: boolean, defer: boolean): Promise<SummaryWrites> {
  const [tenant] = await direct.query<{ pending: unknown }>(`SELECT "summaryFindingsPending" AS "pending" FROM "Tenant" WHERE "id" = ?`, [tenantRef]);
  const pending = readBool(tenant?.pending) === true;
  const everySubject = full && pending;
  if (!defer) {
    return {
      everySubject,
      write: (subjects) => findingsStatements(direct.dialect, tenantRef, subjects),
      finish: async () => (everySubject ? [[setPending(tenantRef, false)]] : []),
    };
  }
  if (!pending) await direct.batch([setPending(tenantRef, true)]);
  const deferred = new Map<string, SubjectFindings>();
  return {
    everySubject,
    write(subjects) {
      for (const s of subjects) deferred.set(s.subjectKey, s);
      return [];
    },
    async finish() {
      const subjects = deferred.size > 0 ? await inNameOrder(direct, tenantRef, deferred) : [];
      // Several transactions, so that uploads do not wait for all of them at once; the flag is cleared in the last.
      // An incremental pass leaves the flag as it found it: only a full pass writes every subject's columns.
      const transactions = chunk(subjects, SUMMARIES_PER_TRANSACTION).map((part) => findingsStatements(direct.dialect, tenantRef, part));
      if (full || !pending) {
        if (transactions.length === 0) transactions.push([]);
        transactions[transactions.length - 1]!.push(setPending(tenantRef, false));
      }
      return transactions;
    },
  };
}

/** Summaries per transaction at a pass's end: a few seconds of SQLite's write lock at most, in name order still. */
const SUMMARIES_PER_TRANSACTION = 10_000;

function setPending(tenantRef: string, pending: boolean): Statement {
  return { sql: `UPDATE "Tenant" SET "summaryFindingsPending" = ${pending ? "TRUE" : "FALSE"} WHERE "id" = ?`, params: [tenantRef] };
}

/** The subjects in the order of their summaries' names (a subject's first row by nameKey, rowKey); any without one last. */
async function inNameOrder(direct: DirectDb, tenantRef: string, subjects: Map<string, SubjectFindings>): Promise<SubjectFindings[]> {
  const rows = await direct.queryArrays(`SELECT "subjectKey", "nameKey", "rowKey" FROM "DeviceSummary" WHERE "tenantRef" = ?`, [tenantRef]);
  rows.sort((a, b) => compareText(a[1] as string, b[1] as string) || compareText(a[2] as string, b[2] as string));
  const out: SubjectFindings[] = [];
  const left = new Map(subjects);
  for (const [key] of rows) {
    const s = left.get(key as string);
    if (!s) continue;
    out.push(s);
    left.delete(key as string);
  }
  for (const s of left.values()) out.push(s);
  return out;
}

/** Code-unit order, as SQLite compares text (the keys are ASCII or lower-cased names). */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
