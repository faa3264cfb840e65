import "server-only";
import type { Db } from "@/lib/db/client";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { Finding } from "@/lib/rules/types";
import { readFindingsSnapshot, sortFindings } from "@/lib/display/severity";
import { readStoredParsedReport } from "./read-stored-json";

export interface DeviceReportDetail {
  id: string;
  tenantName: string;
  tenantId: string;
  source: string;
  hostname: string;
  deviceId: string | null;
  joinType: string;
  capturedAt: string;
  receivedAt: string;
  agentVersion: string | null;
  agentTokenName: string | null;
  agentTokenPrefix: string | null;
  computerDn: string | null;
  objectGuid: string | null;
  osBuild: string | null;
  parsed: ParsedDsregcmd | null;
  systemParsed: ParsedDsregcmd | null;
  dsregcmdText: string;
  systemText: string | null;
  findings: Finding[];
  events: { id: string; eventId: number; time: string; level: string; task: string | null; log: string | null; message: string }[];
}

/** One stored report with everything the detail page shows, or null for an unknown id. */
export async function findDeviceReport(db: Db, options: { id: string }): Promise<DeviceReportDetail | null> {
  const r = await db.deviceReport.findUnique({
    where: { id: options.id },
    select: {
      id: true,
      source: true,
      hostname: true,
      deviceId: true,
      joinType: true,
      capturedAt: true,
      receivedAt: true,
      agentVersion: true,
      computerDn: true,
      objectGuid: true,
      osBuild: true,
      parsed: true,
      systemParsed: true,
      dsregcmdText: true,
      systemText: true,
      findingsSnapshot: true,
      tenant: { select: { name: true, tenantId: true } },
      agentToken: { select: { name: true, prefix: true } },
      events: {
        orderBy: [{ time: "desc" }, { id: "asc" }],
        take: 500,
        select: { id: true, eventId: true, time: true, level: true, task: true, log: true, message: true },
      },
    },
  });
  if (!r) return null;
  return {
    id: r.id,
    tenantName: r.tenant.name,
    tenantId: r.tenant.tenantId,
    source: r.source,
    hostname: r.hostname,
    deviceId: r.deviceId,
    joinType: r.joinType,
    capturedAt: r.capturedAt.toISOString(),
    receivedAt: r.receivedAt.toISOString(),
    agentVersion: r.agentVersion,
    agentTokenName: r.agentToken?.name ?? null,
    agentTokenPrefix: r.agentToken?.prefix ?? null,
    computerDn: r.computerDn,
    objectGuid: r.objectGuid,
    osBuild: r.osBuild,
    parsed: readStoredParsedReport(r.parsed),
    systemParsed: readStoredParsedReport(r.systemParsed),
    dsregcmdText: r.dsregcmdText,
    systemText: r.systemText,
    findings: sortFindings(readFindingsSnapshot(r.findingsSnapshot)),
    events: r.events.map((e) => ({ ...e, time: e.time.toISOString() })),
  };
}
