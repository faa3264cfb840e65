import type { Prisma } from "@/lib/db/client";
import type { ColumnKind } from "@/lib/db/direct";

/** Every DeviceReport column (one uploaded or pasted report) and its kind. */
export const DEVICE_REPORT_COLUMNS = {
  id: "text",
  tenantRef: "text",
  agentTokenRef: "text",
  agentDeviceRef: "text",
  source: "text",
  hostname: "text",
  deviceId: "text",
  capturedAt: "datetime",
  receivedAt: "datetime",
  agentVersion: "text",
  joinType: "text",
  azureAdPrt: "bool",
  deviceAuthStatus: "text",
  thumbprint: "text",
  reportedTenantId: "text",
  computerDn: "text",
  objectGuid: "text",
  osBuild: "text",
  contentHash: "text",
  parsed: "text",
  dsregcmdText: "text",
  systemParsed: "text",
  systemText: "text",
  textZ: "bytes",
  systemTextZ: "bytes",
  firstCapturedAt: "datetime",
  uploadCount: "int",
  stateHash: "text",
  findingsSnapshot: "text",
  worstSeverityRank: "int",
} as const satisfies Record<Prisma.DeviceReportScalarFieldEnum, ColumnKind>;

/** Every AgentEvent column (an event log entry an agent sent with its report) and its kind. */
export const AGENT_EVENT_COLUMNS = {
  id: "text",
  tenantRef: "text",
  reportRef: "text",
  deviceId: "text",
  eventId: "int",
  time: "datetime",
  level: "text",
  task: "text",
  log: "text",
  message: "text",
} as const satisfies Record<Prisma.AgentEventScalarFieldEnum, ColumnKind>;

/** Every ReportUser column (whose session a report was captured in, for the header search and the sign-in join). */
export const REPORT_USER_COLUMNS = {
  id: "text",
  tenantRef: "text",
  reportRef: "text",
  userPrincipalName: "text",
  deviceId: "text",
  hostname: "text",
  capturedAt: "datetime",
} as const satisfies Record<Prisma.ReportUserScalarFieldEnum, ColumnKind>;
