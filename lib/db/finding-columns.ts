import type { Prisma } from "@/lib/db/client";
import type { ColumnKind } from "@/lib/db/direct";

/** Every Finding column (a rule's verdict on one subject, written by a findings pass) and its kind. */
export const FINDING_COLUMNS = {
  id: "text",
  tenantRef: "text",
  subjectKey: "text",
  deviceId: "text",
  objectId: "text",
  hostname: "text",
  rule: "text",
  severity: "text",
  title: "text",
  explanation: "text",
  evidence: "json",
  remediation: "json",
  fingerprint: "text",
  isPrimary: "bool",
  explainedBy: "text",
  rankSeverity: "text",
  status: "text",
  firstSeenAt: "datetime",
  lastSeenAt: "datetime",
  resolvedAt: "datetime",
  acknowledgedAt: "datetime",
  acknowledgedBy: "text",
  ackComment: "text",
  ackTicket: "text",
  ackUntil: "datetime",
} as const satisfies Record<Prisma.FindingScalarFieldEnum, ColumnKind>;

/** Every FindingEvent column (a finding's lifecycle history: opened, resolved, reopened, acknowledged, unacknowledged, ack-expired) and its kind. */
export const FINDING_EVENT_COLUMNS = {
  id: "text",
  tenantRef: "text",
  findingRef: "text",
  subjectKey: "text",
  kind: "text",
  at: "datetime",
  actor: "text",
  detail: "text",
} as const satisfies Record<Prisma.FindingEventScalarFieldEnum, ColumnKind>;
