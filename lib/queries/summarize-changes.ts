import "server-only";
import type { Db } from "@/lib/db/client";
import type { Severity } from "@/lib/rules/types";
import { isSeverity } from "@/lib/rules/severity";

export type ChangeKind = "opened" | "resolved" | "reopened";
const KINDS: readonly ChangeKind[] = ["opened", "resolved", "reopened"];

export interface FindingChange {
  findingId: string;
  subjectKey: string;
  at: string;
  rule: string;
  severity: Severity;
  title: string;
  deviceId: string | null;
  objectId: string | null;
  hostname: string | null;
}

export interface ChangeSummary {
  since: string;
  until: string;
  /** Where `since` came from: the caller, the previous successful sync, or the last 24 hours. */
  sinceSource: "query" | "previous-sync" | "last-24h";
  counts: Record<ChangeKind, number>;
  opened: FindingChange[];
  resolved: FindingChange[];
  reopened: FindingChange[];
}

/**
 * What the findings lifecycle did since the previous successful sync (the second-latest succeeded run:
 * the latest one is part of "what changed"), or in the last 24 hours when there were not two. Counts are
 * exact; each list holds the newest `limit` events of its kind.
 */
export async function summarizeChanges(db: Db, options: { tenantRef: string; since?: Date; now?: Date; limit?: number }): Promise<ChangeSummary> {
  const until = options.now ?? new Date();
  const limit = options.limit ?? 200;
  let since = options.since;
  let sinceSource: ChangeSummary["sinceSource"] = "query";
  if (!since) {
    const runs = await db.syncRun.findMany({
      where: { tenantRef: options.tenantRef, status: "succeeded", finishedAt: { not: null } },
      orderBy: { finishedAt: "desc" },
      take: 2,
      select: { finishedAt: true },
    });
    const previous = runs[1]?.finishedAt;
    since = previous ?? new Date(until.getTime() - 24 * 3600_000);
    sinceSource = previous ? "previous-sync" : "last-24h";
  }
  const where = { tenantRef: options.tenantRef, at: { gt: since, lte: until } };
  const groups = await db.findingEvent.groupBy({ by: ["kind"], where: { ...where, kind: { in: [...KINDS] } }, _count: { _all: true } });
  const counts: Record<ChangeKind, number> = { opened: 0, resolved: 0, reopened: 0 };
  for (const g of groups) if ((KINDS as readonly string[]).includes(g.kind)) counts[g.kind as ChangeKind] = g._count._all;

  const lists = await Promise.all(
    KINDS.map((kind) =>
      counts[kind] === 0
        ? Promise.resolve([])
        : db.findingEvent.findMany({
            where: { ...where, kind },
            // Newest first, ties (a full pass writes all its events at one time) in id order, newest first too:
            // the (tenantRef, kind, at, id) index serves it, where `id asc` made the database sort every event of a
            // pass that opened 57,000 findings to show six (bench:ui).
            orderBy: [{ at: "desc" }, { id: "desc" }],
            take: limit,
            select: {
              at: true,
              subjectKey: true,
              finding: { select: { id: true, rule: true, severity: true, title: true, deviceId: true, objectId: true, hostname: true } },
            },
          }),
    ),
  );
  const [opened, resolved, reopened] = lists.map((rows) =>
    rows.map((e): FindingChange => ({
      findingId: e.finding.id,
      subjectKey: e.subjectKey,
      at: e.at.toISOString(),
      rule: e.finding.rule,
      severity: isSeverity(e.finding.severity) ? e.finding.severity : "info",
      title: e.finding.title,
      deviceId: e.finding.deviceId,
      objectId: e.finding.objectId,
      hostname: e.finding.hostname,
    })),
  );
  return { since: since.toISOString(), until: until.toISOString(), sinceSource, counts, opened: opened!, resolved: resolved!, reopened: reopened! };
}
