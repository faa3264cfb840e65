import "server-only";
import type { Db, Prisma } from "@/lib/db/client";
import { createGraphClient, type GraphClient, type GraphFailure } from "@/lib/graph/graph-client";
import type { ResilienceOptions } from "@/lib/graph/resilience-middleware";
import { log } from "@/lib/log/logger";
import { SIGN_IN_REQUEST_WINDOW } from "@/lib/signins/sign-in-requests";
import { loadTenantApp } from "@/lib/sync/load-tenant-app";
import { DIRECTORY_AUDIT_PAGE_SIZE, directoryAuditsRequest } from "./directory-audit-requests";
import { DirectoryAuditPageSchema, type GraphDirectoryAudit } from "./graph-directory-audit-schema";

export type DirectoryAuditPullStatus = "ok" | "no-permission" | "failed" | "not-configured";

export interface DirectoryAuditPullResult {
  status: DirectoryAuditPullStatus;
  message: string | null;
  pages: number;
  seen: number;
  stored: number;
  resumed: boolean;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A first pull reads this far back: the log keeps 30 days on P1/P2 tenants, 7 on free ones. */
const FIRST_PULL_DAYS = 30;
/** The most pages one pull reads (500 entries each): bounded work per sync; the next pull resumes. */
const MAX_PAGES = 200;

/**
 * A failed directory audit request in plain words: the app needs AuditLog.Read.All and Directory.Read.All
 * (https://learn.microsoft.com/graph/api/directoryaudit-list#permissions). Not a failed sync.
 */
export function describeAuditPullFailure(failure: GraphFailure): { status: "no-permission" | "failed"; message: string } {
  if (failure.kind === "forbidden") {
    return {
      status: "no-permission",
      message:
        'The app registration cannot read the directory audit log: it needs the AuditLog.Read.All and Directory.Read.All application permissions with admin consent (API permissions → Microsoft Graph → Application permissions, then Grant admin consent). Device timelines show no "who disabled or deleted it" until then; everything else works.',
    };
  }
  if (failure.kind === "auth") return { status: "failed", message: `Could not sign in as the app to read the directory audit log: ${failure.message}` };
  return {
    status: "failed",
    message: `Could not read the directory audit log: ${"code" in failure ? `${failure.code}: ` : ""}${failure.message}. The next pull resumes where this one stopped.`,
  };
}

/** What JoinScope keeps of an entry: the device object it is about, who did it, what changed. */
export function auditRow(tenantRef: string, a: GraphDirectoryAudit): Prisma.DirectoryAuditCreateManyInput {
  const target = a.targetResources?.find((t) => (t.type ?? "").toLowerCase() === "device") ?? a.targetResources?.[0] ?? null;
  const by = a.initiatedBy?.user?.userPrincipalName ?? a.initiatedBy?.user?.displayName ?? a.initiatedBy?.app?.displayName ?? null;
  const modified = (target?.modifiedProperties ?? []).slice(0, 20).map((p) => ({
    name: (p.displayName ?? "").slice(0, 200),
    old: (p.oldValue ?? "").slice(0, 500),
    new: (p.newValue ?? "").slice(0, 500),
  }));
  return {
    tenantRef,
    auditId: a.id,
    activityDateTime: new Date(a.activityDateTime),
    activity: a.activityDisplayName,
    category: a.category,
    result: a.result ?? null,
    initiatedBy: by ? by.slice(0, 300) : null,
    targetObjectId: target?.id ? target.id.toLowerCase() : null,
    targetName: target?.displayName ? target.displayName.slice(0, 300) : null,
    detail: modified.length ? modified : undefined,
  };
}

/**
 * Reads the device changes of Entra's directory audit log since the last pull (category "Device": disabled, deleted,
 * updated, by whom and when) and stores them for the device timelines. As the sign-in pull does: the window starts an
 * hour before the last one's end (the log receives entries late; ids de-duplicate), each page commits with the next
 * page's link so a stopped pull resumes there, the Graph client keeps to the reports' throttling budget and waits out
 * 429s, and a missing permission ends the pull with a plain-words status, never an exception.
 */
export async function pullDirectoryAudits(
  db: Db,
  options: { tenantRef: string; graph?: GraphClient; resilience?: ResilienceOptions; now?: Date; pageSize?: number; maxPages?: number },
): Promise<DirectoryAuditPullResult> {
  const { tenantRef } = options;
  const out: DirectoryAuditPullResult = { status: "ok", message: null, pages: 0, seen: 0, stored: 0, resumed: false };
  let graph = options.graph;
  if (!graph) {
    const loaded = await loadTenantApp(db, tenantRef);
    if (!loaded.ok) return { ...out, status: "not-configured", message: loaded.error.message };
    graph = createGraphClient(loaded.app, { requestWindow: SIGN_IN_REQUEST_WINDOW, ...options.resilience });
  }
  const startedAt = options.now ?? new Date();
  const state = await db.directoryAuditPull.upsert({ where: { tenantRef }, create: { tenantRef }, update: {} });
  out.resumed = state.windowFrom !== null && state.windowTo !== null && state.resumeLink !== null;
  const from = out.resumed
    ? state.windowFrom!
    : new Date(Math.max(startedAt.getTime() - FIRST_PULL_DAYS * DAY, (state.pulledThrough?.getTime() ?? 0) - 60 * MINUTE));
  const to = out.resumed ? state.windowTo! : startedAt;
  await db.directoryAuditPull.update({
    where: { tenantRef },
    data: { windowFrom: from, windowTo: to, lastRunAt: startedAt, ...(out.resumed ? {} : { resumeLink: null }) },
  });
  let link: string | null = out.resumed ? state.resumeLink : null;
  for (let i = 0; i < (options.maxPages ?? MAX_PAGES); i++) {
    const page = await graph.get(link ?? directoryAuditsRequest(from, to, options.pageSize ?? DIRECTORY_AUDIT_PAGE_SIZE), DirectoryAuditPageSchema);
    if (!page.ok) {
      const { status, message } = describeAuditPullFailure(page.error);
      // A missing permission may be granted before the next pull: that one starts afresh.
      await db.directoryAuditPull.update({
        where: { tenantRef },
        data: { status, message, ...(status === "failed" ? {} : { windowFrom: null, windowTo: null, resumeLink: null }) },
      });
      return { ...out, status, message };
    }
    const next = page.data["@odata.nextLink"] ?? null;
    const rows = page.data.value.map((a) => auditRow(tenantRef, a));
    // The page's entries and the next page's link in one transaction: a stop between pages resumes at the next one.
    const stored = await db.$transaction(async (tx) => {
      const known = new Set(
        (await tx.directoryAudit.findMany({ where: { tenantRef, auditId: { in: rows.map((r) => r.auditId) } }, select: { auditId: true } })).map(
          (r) => r.auditId,
        ),
      );
      const fresh = rows.filter((r) => !known.has(r.auditId) && (known.add(r.auditId), true));
      if (fresh.length) await tx.directoryAudit.createMany({ data: fresh });
      await tx.directoryAuditPull.update({ where: { tenantRef }, data: { resumeLink: next } });
      return fresh.length;
    });
    out.pages++;
    out.seen += rows.length;
    out.stored += stored;
    if (!next) {
      await db.directoryAuditPull.update({
        where: { tenantRef },
        data: { status: "ok", message: null, pulledThrough: to, windowFrom: null, windowTo: null, resumeLink: null, lastSuccessAt: new Date() },
      });
      return out;
    }
    link = next;
  }
  return { ...out, status: "ok", message: "The pull stopped at its page limit; the next one resumes there." };
}

/** The pull that follows a successful sync: never throws, never fails the sync; its status is on the Sync page. */
export async function pullDirectoryAuditsAfterSync(db: Db, tenantRef: string): Promise<void> {
  try {
    const r = await pullDirectoryAudits(db, { tenantRef });
    const fields = { tenantRef, status: r.status, pages: r.pages, seen: r.seen, stored: r.stored };
    if (r.status === "ok") log("info", "directory audit pull finished", fields);
    else log("warn", "directory audit pull did not complete", { ...fields, error: r.message });
  } catch (error) {
    log("error", "directory audit pull crashed", { tenantRef, error: error instanceof Error ? error.message : String(error) });
  }
}
