import "server-only";
import type { Db, Prisma } from "@/lib/db/client";
import { DEVICE_PAGE_OBJECT_COLUMNS, selectColumns } from "@/lib/db/directory-device-columns";
import { LATEST_REPORT_FIRST } from "@/lib/db/latest-report-sql";
import type { Finding, Severity } from "@/lib/rules/types";
import { isSeverity, worstSeverity } from "@/lib/display/severity";
import { sortDeviceFindings } from "@/lib/display/sort-device-findings";
import { readEvidence, readRemediation } from "./find-findings";
import { parseSubjectKey, type SubjectKey } from "@/lib/rules/subject-key";

export function deviceHref(subjectKey: string): string {
  return `/devices/${encodeURIComponent(subjectKey)}`;
}

export interface DirectoryObjectSummary {
  objectId: string;
  deviceId: string | null;
  displayName: string | null;
  trustType: string | null;
  accountEnabled: boolean | null;
  registrationDateTime: string | null;
  /** When directory sync first saw the object. */
  firstSeenAt: string;
  approximateLastSignInDateTime: string | null;
  thumbprint: string | null;
  isPending: boolean;
  hasBitlockerKeys: boolean | null;
  hasLapsPassword: boolean | null;
  deletedAt: string | null;
  deletedReason: string | null;
  onPremisesSyncEnabled: boolean | null;
  operatingSystem: string | null;
  operatingSystemVersion: string | null;
}

export interface LatestReportSummary {
  id: string;
  hostname: string;
  capturedAt: string;
  joinType: string;
  azureAdPrt: boolean | null;
  deviceAuthStatus: string | null;
  thumbprint: string | null;
}

export interface StoredFinding extends Finding {
  id: string;
  status: "open" | "resolved";
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  ackComment: string | null;
  /** The device's primary cause, as the last findings pass stored it (Finding.isPrimary). */
  primary: boolean;
  /** The rule of the primary cause this finding follows from (Finding.explainedBy), else null. */
  explainedBy: string | null;
}

export interface DeviceDetail {
  subject: SubjectKey;
  name: string;
  deviceId: string | null;
  objects: DirectoryObjectSummary[];
  latestReport: LatestReportSummary | null;
  reportCount: number;
  open: StoredFinding[];
  resolved: StoredFinding[];
  worst: Severity | null;
}

const OBJECT_SELECT = selectColumns(DEVICE_PAGE_OBJECT_COLUMNS) satisfies Prisma.DirectoryDeviceSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The report filter for a subject: by registration id, or by hostname for reports without one. */
export function reportWhereFor(tenantRef: string, subject: SubjectKey, deviceId: string | null): Prisma.DeviceReportWhereInput | null {
  if (deviceId) return { tenantRef, deviceId };
  if (subject.kind === "h") return { tenantRef, deviceId: null, hostname: { in: [...new Set([subject.value, subject.value.toUpperCase()])] } };
  return null;
}

/** Everything the device page shows above the timeline, or null when nothing is known about the subject. */
export async function findDeviceDetail(db: Db, options: { tenantRef: string; subjectKey: string }): Promise<DeviceDetail | null> {
  const subject = parseSubjectKey(options.subjectKey);
  if (!subject) return null;
  const { tenantRef } = options;
  const objectWhere: Prisma.DirectoryDeviceWhereInput | null =
    subject.kind === "d" ? { tenantRef, deviceId: subject.value } : subject.kind === "o" ? { tenantRef, objectId: subject.value } : null;
  // Sorted here, not by the query: an ORDER BY deletedAt made SQLite's planner (no statistics) walk the
  // (tenantRef, deletedAt) index through every object of the tenant instead of looking the few up by deviceId
  // (bench/RESULTS.md, "Figures behind choices in the code"). Live objects first, then the earliest deleted; each the most recently
  // registered first.
  const objectRows = objectWhere ? await db.directoryDevice.findMany({ where: objectWhere, select: OBJECT_SELECT }) : [];
  const registered = (o: (typeof objectRows)[number]) => o.registrationDateTime?.getTime() ?? Number.NEGATIVE_INFINITY;
  objectRows.sort(
    (a, b) =>
      Number(a.deletedAt !== null) - Number(b.deletedAt !== null) ||
      (a.deletedAt?.getTime() ?? 0) - (b.deletedAt?.getTime() ?? 0) ||
      (registered(a) === registered(b) ? 0 : registered(b) > registered(a) ? 1 : -1),
  );
  const deviceId = subject.kind === "d" ? subject.value : (objectRows[0]?.deviceId ?? null);

  const findingRows = await db.finding.findMany({
    where: { tenantRef, subjectKey: subject.key },
    select: {
      id: true,
      rule: true,
      severity: true,
      title: true,
      explanation: true,
      evidence: true,
      remediation: true,
      status: true,
      hostname: true,
      firstSeenAt: true,
      lastSeenAt: true,
      resolvedAt: true,
      acknowledgedAt: true,
      acknowledgedBy: true,
      ackComment: true,
      isPrimary: true,
      explainedBy: true,
    },
  });

  const reportWhere = reportWhereFor(tenantRef, subject, deviceId);
  const [latest, reportCount] = reportWhere
    ? await Promise.all([
        db.deviceReport.findFirst({
          where: reportWhere,
          orderBy: [...LATEST_REPORT_FIRST],
          select: { id: true, hostname: true, capturedAt: true, joinType: true, azureAdPrt: true, deviceAuthStatus: true, thumbprint: true },
        }),
        db.deviceReport.count({ where: reportWhere }),
      ])
    : [null, 0];

  if (objectRows.length === 0 && findingRows.length === 0 && !latest) return null;

  const findings: StoredFinding[] = findingRows.map((f) => ({
    id: f.id,
    rule: f.rule,
    severity: isSeverity(f.severity) ? f.severity : "info",
    title: f.title,
    explanation: f.explanation,
    evidence: readEvidence(f.evidence),
    remediation: readRemediation(f.remediation),
    status: f.status === "resolved" ? "resolved" : "open",
    firstSeenAt: f.firstSeenAt.toISOString(),
    lastSeenAt: f.lastSeenAt.toISOString(),
    resolvedAt: iso(f.resolvedAt),
    acknowledgedAt: iso(f.acknowledgedAt),
    acknowledgedBy: f.acknowledgedBy,
    ackComment: f.ackComment,
    primary: f.isPrimary,
    explainedBy: f.explainedBy,
  }));
  const open = sortDeviceFindings(findings.filter((f) => f.status === "open"));
  const resolved = findings.filter((f) => f.status === "resolved").sort((a, b) => (b.resolvedAt ?? "").localeCompare(a.resolvedAt ?? ""));
  const objects = objectRows.map((o) => ({
    ...o,
    registrationDateTime: iso(o.registrationDateTime),
    firstSeenAt: o.firstSeenAt.toISOString(),
    approximateLastSignInDateTime: iso(o.approximateLastSignInDateTime),
    deletedAt: iso(o.deletedAt),
  }));
  // The directory's displayName, as in the Devices list; a host that only reports is named by its latest report.
  const liveObject = objects.find((o) => !o.deletedAt) ?? objects[0];
  const name = liveObject?.displayName ?? latest?.hostname ?? findingRows[0]?.hostname ?? deviceId ?? subject.value;
  return {
    subject,
    name,
    deviceId,
    objects,
    latestReport: latest ? { ...latest, capturedAt: latest.capturedAt.toISOString() } : null,
    reportCount,
    open,
    resolved,
    worst: worstSeverity(open),
  };
}
