import "server-only";
import { tenantScopeWhere, type TenantScope } from "@/lib/auth/tenant-scope";
import type { Db } from "@/lib/db/client";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { Finding } from "@/lib/rules/types";
import { readFindingsSnapshot, sortFindings } from "@/lib/display/severity";
import { readStoredParsedReport } from "./read-stored-json";
import { parseStoredText, storedText } from "@/lib/reports/stored-report-body";

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
  /** null: an old state change whose text retention dropped (decision 013). */
  dsregcmdText: string | null;
  systemText: string | null;
  /** The run of uploads this stored report stands for (decision 013): the first and last capture, how many. */
  firstCapturedAt: string;
  uploadCount: number;
  /** Set when the id asked for is an upload from before decision 013 that the history migration folded into this report. */
  matchedUpload: { id: string; capturedAt: string } | null;
  findings: Finding[];
  events: { id: string; eventId: number; time: string; level: string; task: string | null; log: string | null; message: string }[];
}

/**
 * One stored report with everything the detail page shows, or null for an unknown id or a report of a tenant outside
 * `tenantScope` (the caller's access limit, decision 027: answered as unknown).
 */
export async function findDeviceReport(db: Db, options: { id: string; tenantScope: TenantScope }): Promise<DeviceReportDetail | null> {
  const direct = await readDeviceReport(db, options.id, options.tenantScope);
  if (direct) return { ...direct, matchedUpload: null };
  // An upload the history migration folded into the run of unchanged uploads it belonged to.
  const alias = await db.reportAlias.findUnique({
    where: { id: options.id, ...tenantScopeWhere(options.tenantScope) },
    select: { id: true, reportRef: true, capturedAt: true },
  });
  if (!alias) return null;
  const matched = await readDeviceReport(db, alias.reportRef, options.tenantScope);
  return matched ? { ...matched, matchedUpload: { id: alias.id, capturedAt: alias.capturedAt.toISOString() } } : null;
}

async function readDeviceReport(db: Db, id: string, tenantScope: TenantScope): Promise<Omit<DeviceReportDetail, "matchedUpload"> | null> {
  const r = await db.deviceReport.findUnique({
    where: { id, ...tenantScopeWhere(tenantScope) },
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
      textZ: true,
      systemTextZ: true,
      firstCapturedAt: true,
      uploadCount: true,
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
  const dsregcmdText = storedText({ parsed: null, text: r.dsregcmdText, textZ: r.textZ });
  const systemText = storedText({ parsed: null, text: r.systemText, textZ: r.systemTextZ });
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
    parsed: r.parsed ? readStoredParsedReport(r.parsed) : parseStoredText(dsregcmdText),
    systemParsed: r.systemParsed ? readStoredParsedReport(r.systemParsed) : parseStoredText(systemText),
    dsregcmdText,
    systemText,
    firstCapturedAt: (r.firstCapturedAt ?? r.capturedAt).toISOString(),
    uploadCount: r.uploadCount,
    findings: sortFindings(readFindingsSnapshot(r.findingsSnapshot)),
    events: r.events.map((e) => ({ ...e, time: e.time.toISOString() })),
  };
}
