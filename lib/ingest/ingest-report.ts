import "server-only";
import { randomUUID } from "node:crypto";
import type { AgentIdentity } from "@/lib/agent-tokens/authenticate-agent-token";
import type { Db, Prisma } from "@/lib/db/client";
import { directDb, insertStatements, isUniqueViolation, type ColumnKind, type Statement } from "@/lib/db/direct";
import { AGENT_EVENT_COLUMNS, DEVICE_REPORT_COLUMNS } from "@/lib/db/device-report-columns";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import { namedDeviceId, tiedDeviceId } from "@/lib/rules/machine-tie";
import { worstSeverityRank } from "@/lib/rules/severity";
import type { Finding } from "@/lib/rules/types";
import { enqueueFindingsEvaluation } from "@/lib/findings/findings-scheduler";
import { deriveSecret } from "@/lib/crypto/secret-box";
import { timeOrderedId } from "@/lib/db/time-ordered-id";
import { reportUserPrincipalName } from "@/lib/signins/index-report-users";
import { reportStatements } from "@/lib/device-summary/summary-statements";
import { hashReportContent } from "./content-hash";
import { parseUpload } from "./parse-upload";
import type { ReportUpload } from "./upload-schema";
import { validateUpload, type UploadError } from "./validate-upload";

export interface IngestedReport {
  reportId: string;
  deviceId: string | null;
  joinType: ParsedDsregcmd["joinType"];
  duplicate: boolean;
  findings: Finding[];
}

/** A device key speaks only for the hostname it enrolled with (decision 011): the endpoint answers 403. */
export interface HostnameMismatch {
  code: "hostname-mismatch";
  message: string;
  details?: undefined;
}

export type IngestError = UploadError | HostnameMismatch;

export type IngestResult = { ok: true; report: IngestedReport } | { ok: false; error: IngestError };

export interface IngestOptions {
  agent: AgentIdentity;
  /** Parsed JSON body, validated here. */
  body: unknown;
  /** agent (default), demo, or paste: an admin attached a pasted report from the Diagnose page (lib/diagnose). */
  source?: "agent" | "demo" | "paste";
  now?: Date;
}

/**
 * Validates, parses and stores one agent upload in a single transaction: the report, its events and the
 * token's last-used (or the enrolled device's last-seen) time. Anything invalid is rejected before the first write,
 * so a bad upload changes nothing. The same content uploaded twice returns the stored report (idempotent).
 */
export async function ingestReport(db: Db, options: IngestOptions): Promise<IngestResult> {
  const now = options.now ?? new Date();
  // Schema and line limits first: nothing below runs per line on an upload that passes them (issue 14).
  const validated = validateUpload(options.body);
  if (!validated.ok) return validated;
  const enrolled = options.agent.device;
  if (enrolled && validated.upload.hostname.toLowerCase() !== enrolled.hostname.toLowerCase()) {
    return {
      ok: false,
      error: { code: "hostname-mismatch", message: `This device key belongs to ${enrolled.hostname}; it cannot upload a report for another host.` },
    };
  }
  const contentHash = hashReportContent(validated.upload);
  const redact = options.agent.redactUserNames ?? (await tenantRedacts(db, options.agent.tenantRef));
  const parsed = parseUpload(validated.upload, redact ? deriveSecret(`redact:${options.agent.tenantRef}`) : null);
  if (!parsed.ok) return parsed;
  const { upload, system } = parsed;

  const report = parsed.report;
  // One machine, one device: a report that prints no DeviceId is stored under the one its evidence ties it to (the
  // parsed report keeps what dsregcmd printed; the rules read that).
  const deviceId = report.deviceId ?? (await tieMachine(options.agent.tenantRef, upload, report, system));
  const findings = evaluateReportRules({
    report,
    systemReport: system,
    events: upload.events ?? [],
    expectedTenantId: options.agent.tenantId,
    capturedAt: new Date(upload.capturedAt).toISOString(),
    now: now.toISOString(),
  });

  // Insert first: the unique (tenant, contentHash) index decides idempotency in the same statement, so the
  // common case (a new report) costs no lookup.
  const touch = touchStatements(options.agent, upload.agentVersion, now);
  const direct = directDb();
  try {
    // One transaction through the direct SQL path (lib/db/direct.ts; Prisma's per-query cost was most of an
    // upload's time): the report, its events and the token's last use. The report id is made here so the events
    // can reference it. If the database cannot take it, the API answers 503 with Retry-After (lib/http/overload.ts).
    const reportId = randomUUID();
    const row = reportRow(upload, report, deviceId, system, findings, contentHash, options, now);
    // Whose session the report was captured in, indexed now (the header search and a user's page find it at once);
    // the sign-in pull indexes the same way and skips rows already there (lib/signins/index-report-users.ts).
    const upn = reportUserPrincipalName(row.parsed);
    await direct.batch([
      ...insertStatements(direct.dialect, "DeviceReport", DEVICE_REPORT_COLUMNS, [{ id: reportId, ...row }]),
      ...(upn
        ? insertStatements(
            direct.dialect,
            "ReportUser",
            REPORT_USER_COLUMNS,
            [
              {
                id: timeOrderedId(),
                tenantRef: options.agent.tenantRef,
                reportRef: reportId,
                userPrincipalName: upn,
                deviceId,
                hostname: upload.hostname,
                capturedAt: row.capturedAt,
              },
            ],
            { target: ["reportRef"], nothing: true },
          )
        : []),
      ...insertStatements(
        direct.dialect,
        "AgentEvent",
        AGENT_EVENT_COLUMNS,
        (upload.events ?? []).map((e) => ({
          id: randomUUID(),
          tenantRef: options.agent.tenantRef,
          reportRef: reportId,
          deviceId,
          eventId: e.id,
          time: new Date(e.time),
          level: e.level,
          task: e.task ?? null,
          log: e.log ?? null,
          message: e.message,
        })),
      ),
      ...touch,
      // The device's summary (Devices list, Overview) in the same transaction, last: see lib/device-summary.
      ...reportStatements(direct.dialect, {
        tenantRef: options.agent.tenantRef,
        reportId,
        deviceId,
        hostname: upload.hostname,
        receivedAt: now,
      }),
    ]);
    enqueueFindingsEvaluation(db, options.agent.tenantRef, { deviceId, hostname: upload.hostname });
    return { ok: true, report: { reportId, deviceId, joinType: report.joinType, duplicate: false, findings } };
  } catch (error) {
    // The same content again (a retry, or two racing uploads): the unique index let exactly one insert win.
    if (isUniqueViolation(error)) {
      const winner = await findByHash(db, options.agent.tenantRef, contentHash);
      if (winner) {
        if (touch.length > 0) await direct.batch(touch);
        return { ok: true, report: { ...winner, duplicate: true } };
      }
    }
    throw error;
  }
}

/**
 * The registration id of the directory object a report without one belongs to (lib/rules/machine-tie.ts): the id its
 * join error names or the agent's objectGUID, held by an object under the report's host name. One indexed read of the
 * candidates' objects; none when the report prints its own DeviceId.
 */
async function tieMachine(tenantRef: string, upload: ReportUpload, report: ParsedDsregcmd, system: ParsedDsregcmd | null): Promise<string | null> {
  const candidates = [namedDeviceId(report, system), upload.objectGuid?.toLowerCase().replace(/[{}]/g, "") ?? null];
  const ids = [...new Set(candidates.filter((c): c is string => c !== null))];
  if (ids.length === 0) return null;
  const objects = await directDb().query<{ deviceId: string; displayName: string | null }>(
    `SELECT "deviceId", "displayName" FROM "DirectoryDevice" WHERE "tenantRef" = ? AND "deviceId" IN (${ids.map(() => "?").join(", ")})`,
    [tenantRef, ...ids],
  );
  return tiedDeviceId(upload.hostname, candidates, objects);
}

const REPORT_USER_COLUMNS = {
  id: "text",
  tenantRef: "text",
  reportRef: "text",
  userPrincipalName: "text",
  deviceId: "text",
  hostname: "text",
  capturedAt: "datetime",
} satisfies Record<Prisma.ReportUserScalarFieldEnum, ColumnKind>;

/**
 * "Last used" (a token) and "last contact" (a device) are shown to the minute: writing them on every upload would
 * double a fleet's write load. A device's agent version is written as soon as it changes.
 */
function touchStatements(agent: AgentIdentity, agentVersion: string, now: Date): Statement[] {
  const statements: Statement[] = [];
  if (agent.tokenId && isMinuteOld(agent.lastUsedAt, now)) {
    statements.push({ sql: `UPDATE "AgentToken" SET "lastUsedAt" = ? WHERE "id" = ?`, params: [now, agent.tokenId] });
  }
  const device = agent.device;
  if (device && (isMinuteOld(device.lastSeenAt, now) || device.agentVersion !== agentVersion)) {
    statements.push({ sql: `UPDATE "AgentDevice" SET "lastSeenAt" = ?, "agentVersion" = ? WHERE "id" = ?`, params: [now, agentVersion, device.id] });
  }
  return statements;
}

function reportRow(
  upload: ReportUpload,
  report: ParsedDsregcmd,
  /** The registration id it is stored under: the one it prints, else the one its evidence ties it to. */
  deviceId: string | null,
  system: ParsedDsregcmd | null,
  findings: Finding[],
  contentHash: string,
  options: IngestOptions,
  now: Date,
): Prisma.DeviceReportUncheckedCreateInput & { parsed: string; capturedAt: Date } {
  return {
    tenantRef: options.agent.tenantRef,
    agentTokenRef: options.agent.tokenId,
    agentDeviceRef: options.agent.device?.id ?? null,
    source: options.source ?? "agent",
    hostname: upload.hostname,
    deviceId,
    capturedAt: new Date(upload.capturedAt),
    receivedAt: now,
    agentVersion: upload.agentVersion,
    joinType: report.joinType,
    azureAdPrt: report.azureAdPrt,
    deviceAuthStatus: report.deviceAuthStatus,
    thumbprint: report.thumbprint,
    reportedTenantId: report.tenantId,
    computerDn: upload.computerDn ?? null,
    objectGuid: upload.objectGuid?.toLowerCase().replace(/[{}]/g, "") ?? null,
    osBuild: upload.osBuild ?? null,
    contentHash,
    parsed: JSON.stringify(report),
    dsregcmdText: upload.dsregcmd,
    systemParsed: system ? JSON.stringify(system) : null,
    systemText: upload.dsregcmdSystem ?? null,
    findingsSnapshot: JSON.stringify(findings),
    worstSeverityRank: worstSeverityRank(findings),
  };
}

async function findByHash(db: Db, tenantRef: string, contentHash: string): Promise<Omit<IngestedReport, "duplicate"> | null> {
  const row = await db.deviceReport.findUnique({
    where: { tenantRef_contentHash: { tenantRef, contentHash } },
    select: { id: true, deviceId: true, joinType: true, findingsSnapshot: true },
  });
  if (!row) return null;
  return {
    reportId: row.id,
    deviceId: row.deviceId,
    joinType: row.joinType as ParsedDsregcmd["joinType"],
    findings: row.findingsSnapshot ? (JSON.parse(row.findingsSnapshot) as Finding[]) : [],
  };
}

function isMinuteOld(at: Date | null | undefined, now: Date): boolean {
  return !at || now.getTime() - at.getTime() >= 60_000;
}

async function tenantRedacts(db: Db, tenantRef: string): Promise<boolean> {
  const t = await db.tenant.findUnique({ where: { id: tenantRef }, select: { redactUserNames: true } });
  return t?.redactUserNames === true;
}
