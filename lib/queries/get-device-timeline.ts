import "server-only";
import { ruleTitle } from "@/lib/display/rule-names";
import type { Db } from "@/lib/db/client";
import { reportWhereFor, type DirectoryObjectSummary } from "@/lib/queries/find-device-detail";
import type { SubjectKey } from "@/lib/rules/subject-key";
import { joinTypeShort } from "@/lib/display/join-type";
import { formatAbsoluteTime } from "@/lib/display/format-time";

export type TimelineKind = "directory" | "directory-audit" | "report" | "agent-event" | "finding" | "audit";

export interface TimelineEntry {
  id: string;
  at: string;
  kind: TimelineKind;
  /** A finer label for the icon and colour: "deleted", "cert-rotated", "opened", "Error", … */
  tone: "neutral" | "good" | "bad" | "warn";
  summary: string;
  detail: { label: string; value: string }[];
  /** Where to read more, e.g. the report page. */
  href?: string;
}

const AGENT_EVENT_LIMIT = 100;
const DEFAULT_REPORT_LIMIT = 200;
const EXCERPT = 140;

const yesNo = (v: boolean | null) => (v === null ? "—" : v ? "YES" : "NO");
const excerpt = (s: string) => {
  const line = s.replace(/\s+/g, " ").trim();
  return line.length > EXCERPT ? `${line.slice(0, EXCERPT - 1)}…` : line;
};

/**
 * One device's history, newest first: what sync saw change in the directory, each report (with what changed
 * since the same device's previous report, and how many uploads after it changed nothing, between when and when), the agent's AAD events (latest 100), the findings lifecycle and
 * admin actions on its findings. Every source is read with one indexed query.
 */
export async function getDeviceTimeline(
  db: Db,
  options: {
    tenantRef: string;
    subject: SubjectKey;
    deviceId: string | null;
    /** The subject's directory objects, as the device page already read them (findDeviceDetail). */
    objects: readonly TimelineObject[];
    /** How many stored reports to show (default 200). */
    reportLimit?: number;
  },
): Promise<TimelineEntry[]> {
  const { tenantRef, subject, deviceId, objects } = options;
  const REPORT_LIMIT = options.reportLimit ?? DEFAULT_REPORT_LIMIT;
  const objectIds = objects.map((o) => o.objectId);
  const entries: TimelineEntry[] = [];

  // Directory changes (sync).
  const or = [...(deviceId ? [{ deviceId }] : []), ...(objectIds.length ? [{ objectId: { in: objectIds } }] : [])];
  const created = new Set<string>();
  if (or.length) {
    const changes = await db.directoryChange.findMany({
      where: { tenantRef, OR: or },
      orderBy: [{ at: "desc" }, { id: "asc" }],
      take: 500,
      select: { id: true, objectId: true, kind: true, at: true, detail: true },
    });
    for (const c of changes) {
      entries.push(directoryEntry(c));
      if (c.kind === "created") created.add(c.objectId);
    }
  }
  // Who changed the object in Entra ID (the directory audit log, lib/directory-audits): "Disable device by …".
  if (objectIds.length) {
    const audits = await db.directoryAudit.findMany({
      where: { tenantRef, targetObjectId: { in: objectIds.map((id) => id.toLowerCase()) } },
      orderBy: [{ activityDateTime: "desc" }, { id: "asc" }],
      take: 200,
      select: { id: true, activityDateTime: true, activity: true, initiatedBy: true, result: true, targetObjectId: true, detail: true },
    });
    for (const a of audits) {
      const changes = Array.isArray(a.detail) ? (a.detail as { name?: string; old?: string; new?: string }[]) : [];
      entries.push({
        id: `directory-audit:${a.id}`,
        at: a.activityDateTime.toISOString(),
        kind: "directory-audit",
        tone: /disable|delete|remove/i.test(a.activity) ? "bad" : /enable|restore|add/i.test(a.activity) ? "good" : "neutral",
        summary: `${a.activity} by ${a.initiatedBy ?? "an unknown actor"} (Entra audit log)`,
        detail: [
          { label: "Who", value: a.initiatedBy ?? "—" },
          { label: "objectId", value: a.targetObjectId ?? "—" },
          ...(a.result ? [{ label: "Result", value: a.result }] : []),
          ...changes.map((c) => ({ label: c.name || "Property", value: `${c.old || "—"} → ${c.new || "—"}` })),
        ],
      });
    }
  }

  // From the objects themselves: when Entra ID registered each one, and when sync first saw it (a tenant's first
  // full sync records no "created" change: its objects existed before JoinScope did).
  for (const o of objects) entries.push(...objectEntries(o, created.has(o.objectId)));

  // Reports, oldest first so each can be compared with the one before.
  const reportWhere = reportWhereFor(tenantRef, subject, deviceId);
  const reportIds: string[] = [];
  if (reportWhere) {
    const reports = (
      await db.deviceReport.findMany({
        where: reportWhere,
        orderBy: [{ capturedAt: "desc" }, { id: "desc" }],
        take: REPORT_LIMIT + 1,
        select: {
          id: true,
          hostname: true,
          capturedAt: true,
          joinType: true,
          azureAdPrt: true,
          deviceAuthStatus: true,
          thumbprint: true,
          agentVersion: true,
          source: true,
          firstCapturedAt: true,
          uploadCount: true,
        },
      })
    ).reverse();
    reports.forEach((r, i) => {
      reportIds.push(r.id);
      const prev = i > 0 ? reports[i - 1] : null;
      if (i === 0 && reports.length > REPORT_LIMIT) return; // only the baseline for the next one
      const diffs: { label: string; from: string; to: string }[] = [];
      if (prev) {
        if (prev.joinType !== r.joinType) diffs.push({ label: "Join type", from: joinTypeShort(prev.joinType), to: joinTypeShort(r.joinType) });
        if (prev.azureAdPrt !== r.azureAdPrt) diffs.push({ label: "AzureAdPrt", from: yesNo(prev.azureAdPrt), to: yesNo(r.azureAdPrt) });
        if ((prev.deviceAuthStatus ?? "") !== (r.deviceAuthStatus ?? ""))
          diffs.push({ label: "DeviceAuthStatus", from: prev.deviceAuthStatus ?? "—", to: r.deviceAuthStatus ?? "—" });
        if ((prev.thumbprint ?? "") !== (r.thumbprint ?? "")) diffs.push({ label: "Thumbprint", from: prev.thumbprint ?? "—", to: r.thumbprint ?? "—" });
      }
      const bad = r.azureAdPrt === false || (r.deviceAuthStatus !== null && r.deviceAuthStatus !== "SUCCESS");
      // A stored report is a run of uploads that said the same (decision 013): the change is its first upload, and
      // the uploads after it that changed nothing are one entry, at the last of them.
      const first = r.firstCapturedAt ?? r.capturedAt;
      if (r.uploadCount > 1) {
        const unchanged = r.uploadCount - 1;
        entries.push({
          id: `report-run:${r.id}`,
          at: r.capturedAt.toISOString(),
          kind: "report",
          tone: "neutral",
          summary: `Report: unchanged ${unchanged} ${unchanged === 1 ? "time" : "times"} between ${formatAbsoluteTime(first.toISOString())} and ${formatAbsoluteTime(r.capturedAt.toISOString())}`,
          detail: [
            { label: "Uploads", value: `${r.uploadCount}, the first of them the change above` },
            { label: "First seen", value: first.toISOString() },
            { label: "Last seen", value: r.capturedAt.toISOString() },
          ],
          href: `/reports/${r.id}`,
        });
      }
      entries.push({
        id: `report:${r.id}`,
        at: first.toISOString(),
        kind: "report",
        tone: diffs.length ? (bad ? "bad" : "good") : "neutral",
        summary: !prev
          ? `First report: ${joinTypeShort(r.joinType)}, AzureAdPrt ${yesNo(r.azureAdPrt)}, DeviceAuthStatus ${r.deviceAuthStatus ?? "—"}`
          : diffs.length
            ? `Report: ${diffs.map((d) => `${d.label} ${d.from} → ${d.to}`).join(", ")}`
            : "Report: no change in join type, PRT, device auth or thumbprint",
        detail: [
          { label: "Hostname", value: r.hostname },
          { label: "Join type", value: joinTypeShort(r.joinType) },
          { label: "AzureAdPrt", value: yesNo(r.azureAdPrt) },
          { label: "DeviceAuthStatus", value: r.deviceAuthStatus ?? "—" },
          { label: "Thumbprint", value: r.thumbprint ?? "—" },
          {
            label: "Source",
            value:
              r.agentVersion && r.source !== "paste"
                ? `${r.source} · agent ${r.agentVersion}`
                : r.source === "paste"
                  ? "pasted on the Diagnose page"
                  : r.source,
          },
        ],
        href: `/reports/${r.id}`,
      });
    });
  }

  // Agent events (AAD Operational): the latest 100.
  const eventWhere = deviceId ? { tenantRef, deviceId } : reportIds.length ? { tenantRef, reportRef: { in: reportIds } } : null;
  if (eventWhere) {
    const events = await db.agentEvent.findMany({
      where: eventWhere,
      orderBy: [{ time: "desc" }, { id: "asc" }],
      take: AGENT_EVENT_LIMIT,
      select: { id: true, eventId: true, time: true, level: true, task: true, log: true, message: true },
    });
    for (const e of events) {
      const error = /error|critical/i.test(e.level);
      entries.push({
        id: `event:${e.id}`,
        at: e.time.toISOString(),
        kind: "agent-event",
        tone: error ? "bad" : /warn/i.test(e.level) ? "warn" : "neutral",
        summary: `Event ${e.eventId} (${e.level}): ${excerpt(e.message)}`,
        detail: [
          { label: "Log · task", value: [e.log, e.task].filter(Boolean).join(" · ") || "—" },
          { label: "Message", value: e.message },
        ],
      });
    }
  }

  // Findings lifecycle and acknowledgements.
  const findingEvents = await db.findingEvent.findMany({
    where: { tenantRef, subjectKey: subject.key },
    orderBy: [{ at: "desc" }, { id: "asc" }],
    take: 500,
    select: { id: true, kind: true, at: true, actor: true, detail: true, finding: { select: { id: true, rule: true, severity: true, title: true } } },
  });
  for (const e of findingEvents) {
    const byAdmin = e.kind === "acknowledged" || e.kind === "unacknowledged";
    entries.push({
      id: `finding-event:${e.id}`,
      at: e.at.toISOString(),
      kind: "finding",
      tone: e.kind === "resolved" ? "good" : byAdmin ? "neutral" : e.kind === "ack-expired" ? "warn" : "bad",
      summary: `${FINDING_EVENT_VERB[e.kind] ?? `Finding ${e.kind}`}: ${ruleTitle(e.finding.rule)} (${e.finding.rule})${byAdmin && e.actor ? ` by ${e.actor}` : ""}`,
      detail: [
        { label: "Finding", value: `${e.finding.title} (${e.finding.severity})` },
        ...(e.kind === "acknowledged"
          ? [{ label: "Comment", value: e.detail ?? "" }]
          : e.detail && e.detail !== e.finding.title
            ? [{ label: "Why", value: e.detail }]
            : []),
        { label: "By", value: e.actor ?? "JoinScope (rules)" },
      ],
    });
  }

  // Admin actions on this device's findings.
  const findingIds = [...new Set(findingEvents.map((e) => e.finding.id))];
  const ids = findingIds.length
    ? findingIds
    : (await db.finding.findMany({ where: { tenantRef, subjectKey: subject.key }, select: { id: true } })).map((f) => f.id);
  // and on its reports (a pasted report attached from the Diagnose page).
  if (ids.length || reportIds.length) {
    const audits = await db.auditLog.findMany({
      // An acknowledgement and its undo are on the timeline once, as the finding's own event (above).
      where: { tenantRef, target: { in: [...ids, ...reportIds] }, action: { notIn: [...FINDING_EVENT_AUDITS] } },
      orderBy: [{ at: "desc" }, { id: "asc" }],
      take: 200,
      select: { id: true, at: true, actor: true, action: true, detail: true },
    });
    for (const a of audits) {
      entries.push({
        id: `audit:${a.id}`,
        at: a.at.toISOString(),
        kind: "audit",
        tone: "neutral",
        summary: `Audit: ${a.action} by ${a.actor}`,
        detail: Object.entries((a.detail ?? {}) as Record<string, unknown>).map(([label, value]) => ({
          label,
          value: typeof value === "string" ? value : JSON.stringify(value),
        })),
      });
    }
  }

  return entries.sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id));
}

const FINDING_EVENT_VERB: Record<string, string> = {
  opened: "Finding opened",
  resolved: "Finding resolved",
  reopened: "Finding reopened",
  acknowledged: "Finding acknowledged",
  unacknowledged: "Acknowledgement undone",
  "ack-expired": "Acknowledgement expired, finding open again",
};

/** Audit actions whose FindingEvent already tells the timeline (they are in the audit log all the same). */
const FINDING_EVENT_AUDITS = ["finding.acknowledge", "finding.unacknowledge"] as const;

const DIRECTORY_SUMMARY: Record<string, string> = {
  created: "New directory object seen by sync",
  changed: "Directory object changed",
  deleted: "Directory object deleted",
  restored: "Directory object restored",
  "cert-rotated": "Device certificate rotated (new X509 key)",
  "cert-added": "Device certificate added",
  "cert-removed": "Device certificate removed",
  disabled: "Object disabled (accountEnabled = false)",
  enabled: "Object enabled",
};

type TimelineObject = Pick<DirectoryObjectSummary, "objectId" | "trustType" | "registrationDateTime" | "firstSeenAt">;

function objectEntries(o: TimelineObject, hasCreatedChange: boolean): TimelineEntry[] {
  const detail = [
    { label: "objectId", value: o.objectId },
    { label: "trustType", value: o.trustType ?? "—" },
  ];
  const out: TimelineEntry[] = [];
  if (o.registrationDateTime) {
    out.push({
      id: `directory-registered:${o.objectId}`,
      at: o.registrationDateTime,
      kind: "directory",
      tone: "good",
      summary: `Registered in Entra ID (registrationDateTime)${o.trustType ? `, trustType ${o.trustType}` : ""}`,
      detail,
    });
  }
  if (!hasCreatedChange) {
    out.push({
      id: `directory-first-seen:${o.objectId}`,
      at: o.firstSeenAt,
      kind: "directory",
      tone: "neutral",
      summary: "First seen by directory sync",
      detail,
    });
  }
  return out;
}

function directoryEntry(c: { id: string; objectId: string; kind: string; at: Date; detail: unknown }): TimelineEntry {
  const detail = (c.detail && typeof c.detail === "object" ? c.detail : {}) as Record<string, unknown>;
  let summary = DIRECTORY_SUMMARY[c.kind] ?? `Directory: ${c.kind}`;
  if (c.kind === "deleted" && typeof detail.reason === "string")
    summary += ` (${{ deleted: "deleted in Entra ID", changed: "left the sync scope or changed", "missing-after-full-sync": "missing after a full sync" }[detail.reason] ?? detail.reason})`;
  if (c.kind === "created" && typeof detail.trustType === "string") summary += `, trustType ${detail.trustType}`;
  const tone: TimelineEntry["tone"] = ["deleted", "disabled", "cert-removed"].includes(c.kind)
    ? "bad"
    : ["restored", "enabled", "created"].includes(c.kind)
      ? "good"
      : c.kind.startsWith("cert")
        ? "warn"
        : "neutral";
  return {
    id: `directory:${c.id}`,
    at: c.at.toISOString(),
    kind: "directory",
    tone,
    summary,
    detail: [
      { label: "objectId", value: c.objectId },
      ...Object.entries(detail).map(([label, value]) => ({ label, value: value === null ? "—" : typeof value === "string" ? value : JSON.stringify(value) })),
    ],
  };
}
