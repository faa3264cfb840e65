import "server-only";
import { namedDeviceId, tiedDeviceId } from "@/lib/rules/machine-tie";
import type { AgentIdentity } from "@/lib/agent-tokens/authenticate-agent-token";
import type { Db, Prisma } from "@/lib/db/client";
import { directDb, insertStatements, isNotNullViolation, isUniqueViolation, readDate, type Dialect, type DirectDb, type Statement } from "@/lib/db/direct";
import { encodeReportText } from "@/lib/reports/report-text-codec";
import { AGENT_EVENT_COLUMNS, DEVICE_REPORT_COLUMNS, REPORT_USER_COLUMNS } from "@/lib/db/device-report-columns";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import { worstSeverityRank } from "@/lib/rules/severity";
import type { Finding } from "@/lib/rules/types";
import { enqueueFindingsEvaluation } from "@/lib/findings/findings-scheduler";
import { rememberCapture } from "@/lib/findings/recent-captures";
import { deriveSecret } from "@/lib/crypto/secret-box";
import { timeOrderedId } from "@/lib/db/time-ordered-id";
import { reportUserPrincipalNameOf } from "@/lib/signins/index-report-users";
import { reportStatements } from "@/lib/device-summary/summary-statements";
import { reportSubjectKey } from "@/lib/rules/subject-key";
import { hashReportContent } from "./content-hash";
import { agentEventId, eventKey, hashReportState, type AgentEventUpload } from "./report-state";
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

/**
 * A report that claims a registration id its uploader may not speak for (decision 042): a proven enrolment reporting
 * another id, or any other uploader claiming an id a proven enrolment holds. The endpoint answers 403.
 */
export interface DeviceIdentityRefused {
  code: "device-id-mismatch" | "device-identity-held";
  message: string;
  details?: undefined;
}

export type IngestError = UploadError | HostnameMismatch | DeviceIdentityRefused;

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
  const settings = await tenantHistorySettings(db, options.agent);
  const parsed = parseUpload(validated.upload, settings.redactUserNames ? deriveSecret(`redact:${options.agent.tenantRef}`) : null);
  if (!parsed.ok) return parsed;
  const { upload, system } = parsed;

  const report = parsed.report;
  if ((options.source ?? "agent") === "agent") {
    const refused = await refuseClaimedIdentity(options.agent, report.deviceId);
    if (refused) return { ok: false, error: refused };
  }
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
  // Whose session the report was captured in, indexed now (the header search and a user's page find it at once);
  // the sign-in pull indexes the same way and skips rows already there (lib/signins/index-report-users.ts).
  const upn = reportUserPrincipalNameOf(report);
  const source = options.source ?? "agent";
  const upload$ = {
    upload,
    report,
    deviceId,
    system,
    findings,
    contentHash,
    stateHash: hashReportState({ upload, report, system, findings, source, user: upn }),
    upn,
    source,
    now,
    // Compressed once when stored (a duplicate stores nothing), whichever way the loop below stores it.
    compressed: once(() => ({
      textZ: encodeReportText(upload.dsregcmd),
      systemTextZ: upload.dsregcmdSystem ? encodeReportText(upload.dsregcmdSystem) : null,
    })),
  };

  const touch = touchStatements(options.agent, upload.agentVersion, now);
  const direct = directDb();
  // A report is a run of uploads that said the same (decision 013). The device's latest report decides: the same
  // content again is a duplicate; the same state (a later capture) updates that report in place and counts the
  // upload; anything else is a new report. The update is guarded by the content hash it read: when another upload of
  // the device changed the row in between, the guard fails the statement (NOT NULL) and this decides again.
  for (let attempt = 0; ; attempt++) {
    const latest = await latestReportOf(direct, options.agent.tenantRef, deviceId, upload.hostname);
    const capturedAt = new Date(upload.capturedAt);
    if (latest && latest.contentHash === contentHash) return { ok: true, report: { ...(await storedResult(db, latest.id)), duplicate: true } };
    let plan: Plan = { kind: "insert", outOfOrder: latest !== null && capturedAt.getTime() < latest.capturedAt.getTime() };
    if (latest && !settings.keepEveryUpload) {
      if (!plan.outOfOrder && latest.stateHash === upload$.stateHash) plan = { kind: "update", latest };
      else if (plan.outOfOrder) {
        // An earlier capture arriving late (an agent's retry of an upload already counted): the run of the same
        // state that spans its capture time holds it already.
        const run = await runCovering(direct, options.agent.tenantRef, deviceId, upload.hostname, upload$.stateHash, capturedAt);
        if (run) return { ok: true, report: { ...(await storedResult(db, run)), duplicate: true } };
      }
    }
    // Time-ordered (decision 045): the report's id, and the reportRef of its user and events, append to their indexes
    // where a random id dirtied a page of each index at random, for every upload.
    const reportId = plan.kind === "update" ? plan.latest.id : timeOrderedId();
    try {
      await direct.batch([
        ...(plan.kind === "update"
          ? updateStatements(plan.latest, upload$, options)
          : insertReportStatements(direct.dialect, reportId, upload$, options, plan.outOfOrder)),
        ...touch,
        // The device's summary (Devices list, Overview) in the same transaction, last: see lib/device-summary.
        ...reportStatements(direct.dialect, {
          tenantRef: options.agent.tenantRef,
          reportId,
          deviceId,
          hostname: upload.hostname,
          receivedAt: now,
          reportedBefore: latest !== null,
        }),
      ]);
      // The pass this queues reads the row back: it takes the parsed captures instead of parsing the text again, when
      // the row still holds these bytes (lib/findings/recent-captures.ts). The schema refused unpaired surrogates, so
      // the stored UTF-8 decodes to the very string parsed here.
      rememberCapture(
        reportId,
        { ...upload$.compressed(), report, system, textChars: upload.dsregcmd.length + (upload.dsregcmdSystem?.length ?? 0) },
        reportSubjectKey(deviceId, upload.hostname),
      );
      enqueueFindingsEvaluation(db, options.agent.tenantRef, { deviceId, hostname: upload.hostname });
      return { ok: true, report: { reportId, deviceId, joinType: report.joinType, duplicate: false, findings } };
    } catch (error) {
      // The same content again (a retry, or two racing uploads): the unique index let exactly one write win.
      if (isUniqueViolation(error)) {
        const winner = await findByHash(db, options.agent.tenantRef, contentHash);
        if (winner) {
          if (touch.length > 0) await direct.batch(touch);
          return { ok: true, report: { ...winner, duplicate: true } };
        }
      }
      if (isNotNullViolation(error) && plan.kind === "update" && attempt < 5) continue;
      throw error;
    }
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

type Plan = { kind: "insert"; outOfOrder: boolean } | { kind: "update"; latest: LatestReport };

interface PreparedUpload {
  upload: ReportUpload;
  report: ParsedDsregcmd;
  /** The registration id it is stored under: the one it prints, else the one its evidence ties it to. */
  deviceId: string | null;
  system: ParsedDsregcmd | null;
  findings: Finding[];
  contentHash: string;
  stateHash: string;
  upn: string | null;
  source: string;
  now: Date;
  /** The texts as stored (lib/reports/report-text-codec.ts). */
  compressed(): { textZ: Buffer; systemTextZ: Buffer | null };
}

function once<T>(make: () => T): () => T {
  let value: { made: T } | null = null;
  return () => (value ??= { made: make() }).made;
}

interface LatestReport {
  id: string;
  contentHash: string;
  stateHash: string | null;
  capturedAt: Date;
}

/** The device's latest report (a registration id, else the exact host name among reports without one). */
async function latestReportOf(direct: DirectDb, tenantRef: string, deviceId: string | null, hostname: string): Promise<LatestReport | null> {
  const [row] = await direct.query<{ id: string; contentHash: string; stateHash: string | null; capturedAt: unknown }>(
    deviceId
      ? `SELECT "id", "contentHash", "stateHash", "capturedAt" FROM "DeviceReport" WHERE "tenantRef" = ? AND "deviceId" = ? ORDER BY "capturedAt" DESC, "id" DESC LIMIT 1`
      : `SELECT "id", "contentHash", "stateHash", "capturedAt" FROM "DeviceReport" WHERE "tenantRef" = ? AND "hostname" = ? AND "deviceId" IS NULL ORDER BY "capturedAt" DESC, "id" DESC LIMIT 1`,
    [tenantRef, deviceId ?? hostname],
  );
  return row ? { id: row.id, contentHash: row.contentHash, stateHash: row.stateHash, capturedAt: readDate(row.capturedAt)! } : null;
}

/** The device's report of state `stateHash` whose run of uploads spans `at`, if any. */
async function runCovering(
  direct: DirectDb,
  tenantRef: string,
  deviceId: string | null,
  hostname: string,
  stateHash: string,
  at: Date,
): Promise<string | null> {
  const [row] = await direct.query<{ id: string }>(
    `SELECT "id" FROM "DeviceReport" WHERE "tenantRef" = ? AND ${deviceId ? `"deviceId" = ?` : `"hostname" = ? AND "deviceId" IS NULL`}
       AND "stateHash" = ? AND "capturedAt" >= ? AND COALESCE("firstCapturedAt", "capturedAt") <= ? LIMIT 1`,
    [tenantRef, deviceId ?? hostname, stateHash, at, at],
  );
  return row?.id ?? null;
}

/** A new report: the row, its user, its events (each stored once per device, decision 013). */
function insertReportStatements(dialect: Dialect, reportId: string, u: PreparedUpload, options: IngestOptions, outOfOrder: boolean): Statement[] {
  const row = reportRow(u, options);
  const tenantRef = options.agent.tenantRef;
  const deviceKey = u.deviceId ?? `h:${u.upload.hostname.toLowerCase()}`;
  return [
    ...insertStatements(dialect, "DeviceReport", DEVICE_REPORT_COLUMNS, [{ id: reportId, ...row }]),
    ...(u.upn
      ? insertStatements(
          dialect,
          "ReportUser",
          REPORT_USER_COLUMNS,
          [
            {
              id: timeOrderedId(),
              tenantRef,
              reportRef: reportId,
              userPrincipalName: u.upn,
              deviceId: u.deviceId,
              hostname: u.upload.hostname,
              capturedAt: row.capturedAt,
            },
          ],
          { target: ["reportRef"], nothing: true },
        )
      : []),
    // An agent sends the last events of its logs with every upload: each event is stored once per device (its id is
    // a hash of what it says) and belongs to the latest report that carried it, which the findings pass reads with
    // that report. A late, earlier capture leaves the events with the later report.
    ...insertStatements(
      dialect,
      "AgentEvent",
      AGENT_EVENT_COLUMNS,
      dedupeEvents(u.upload.events ?? []).map((e) => ({
        id: agentEventId(tenantRef, deviceKey, e),
        tenantRef,
        reportRef: reportId,
        deviceId: u.deviceId,
        eventId: e.id,
        time: new Date(e.time),
        level: e.level,
        task: e.task ?? null,
        log: e.log ?? null,
        message: e.message,
      })),
      outOfOrder ? { target: ["id"], nothing: true } : { target: ["id"], update: ["reportRef"] },
    ),
  ];
}

/**
 * An upload that said what the device's latest report says: that report takes its volatile values (capture and
 * receive times, the texts with their PRT times, the findings' evidence) and counts it. Guarded by the content hash
 * read: a changed row makes uploadCount NULL, which its NOT NULL constraint refuses, and the whole upload rolls back.
 */
function updateStatements(latest: LatestReport, u: PreparedUpload, options: IngestOptions): Statement[] {
  const capturedAt = new Date(u.upload.capturedAt);
  return [
    {
      sql: `UPDATE "DeviceReport" SET "capturedAt" = ?, "receivedAt" = ?, "agentTokenRef" = ?, "agentDeviceRef" = ?, "contentHash" = ?,
          "textZ" = ?, "systemTextZ" = ?, "findingsSnapshot" = ?, "worstSeverityRank" = ?, "firstCapturedAt" = COALESCE("firstCapturedAt", "capturedAt"),
          "uploadCount" = CASE WHEN "contentHash" = ? THEN "uploadCount" + 1 END
        WHERE "id" = ?`,
      params: [
        capturedAt,
        u.now,
        options.agent.tokenId,
        options.agent.device?.id ?? null,
        u.contentHash,
        u.compressed().textZ,
        u.compressed().systemTextZ,
        JSON.stringify(u.findings),
        worstSeverityRank(u.findings),
        latest.contentHash,
        latest.id,
      ],
    },
    ...(u.upn ? [{ sql: `UPDATE "ReportUser" SET "capturedAt" = ? WHERE "reportRef" = ?`, params: [capturedAt, latest.id] }] : []),
  ];
}

/** The same event twice in one upload is stored once. */
function dedupeEvents(events: readonly AgentEventUpload[]): AgentEventUpload[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = eventKey(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

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
  u: PreparedUpload,
  options: IngestOptions,
): Omit<Prisma.DeviceReportUncheckedCreateInput, "textZ" | "systemTextZ"> & { capturedAt: Date; textZ: Buffer; systemTextZ: Buffer | null } {
  const { upload, report, findings } = u;
  const capturedAt = new Date(upload.capturedAt);
  return {
    tenantRef: options.agent.tenantRef,
    agentTokenRef: options.agent.tokenId,
    agentDeviceRef: options.agent.device?.id ?? null,
    source: u.source,
    hostname: upload.hostname,
    deviceId: u.deviceId,
    capturedAt,
    firstCapturedAt: capturedAt,
    receivedAt: u.now,
    agentVersion: upload.agentVersion,
    joinType: report.joinType,
    azureAdPrt: report.azureAdPrt,
    deviceAuthStatus: report.deviceAuthStatus,
    thumbprint: report.thumbprint,
    reportedTenantId: report.tenantId,
    computerDn: upload.computerDn ?? null,
    objectGuid: upload.objectGuid?.toLowerCase().replace(/[{}]/g, "") ?? null,
    osBuild: upload.osBuild ?? null,
    contentHash: u.contentHash,
    // The texts compressed, no parsed JSON: it is the text parsed again (lib/reports/stored-report-body.ts).
    parsed: "",
    dsregcmdText: "",
    systemParsed: null,
    systemText: null,
    ...u.compressed(),
    uploadCount: 1,
    stateHash: u.stateHash,
    findingsSnapshot: JSON.stringify(findings),
    worstSeverityRank: worstSeverityRank(findings),
  };
}

/** What the upload's answer says of a stored report: the one an upload matched. */
async function storedResult(db: Db, reportId: string): Promise<Omit<IngestedReport, "duplicate">> {
  const row = await db.deviceReport.findUnique({ where: { id: reportId }, select: { id: true, deviceId: true, joinType: true, findingsSnapshot: true } });
  if (!row) throw new Error(`report ${reportId} vanished`);
  return {
    reportId: row.id,
    deviceId: row.deviceId,
    joinType: row.joinType as ParsedDsregcmd["joinType"],
    findings: row.findingsSnapshot ? (JSON.parse(row.findingsSnapshot) as Finding[]) : [],
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

/** The tenant's settings an upload needs: from the authentication's read, else (a paste, a test's identity) read here. */
async function tenantHistorySettings(db: Db, agent: AgentIdentity): Promise<{ redactUserNames: boolean; keepEveryUpload: boolean }> {
  if (agent.redactUserNames !== undefined && agent.keepEveryUpload !== undefined)
    return { redactUserNames: agent.redactUserNames, keepEveryUpload: agent.keepEveryUpload };
  const t = await db.tenant.findUnique({ where: { id: agent.tenantRef }, select: { redactUserNames: true, keepEveryUpload: true } });
  return { redactUserNames: agent.redactUserNames ?? t?.redactUserNames === true, keepEveryUpload: agent.keepEveryUpload ?? t?.keepEveryUpload === true };
}

/**
 * Decision 042. A proven enrolment's reports carry its registration id (or none: a machine that left Entra ID prints
 * none); a report of any other uploader may not claim an id a proven, active enrolment of the tenant holds. Only a
 * report that names a registration id, of a tenant where some enrolment proved its identity (decision 041: the flag
 * comes with the authentication's read), reads the (tenant, provenDeviceId) index.
 */
async function refuseClaimedIdentity(agent: AgentIdentity, claimed: string | null | undefined): Promise<DeviceIdentityRefused | null> {
  if (!claimed) return null;
  const deviceId = claimed.toLowerCase();
  const proven = agent.device?.provenDeviceId;
  if (proven) {
    if (proven === deviceId) return null;
    return {
      code: "device-id-mismatch",
      message: `This device key belongs to the machine that proved registration id ${proven}; it cannot upload a report for ${deviceId}. Re-enrol the agent if the machine joined again.`,
    };
  }
  if (agent.tenantHasProvenEnrolment === false) return null;
  const [held] = await directDb().query<{ hostname: string }>(
    `SELECT "hostname" FROM "AgentDevice" WHERE "tenantRef" = ? AND "provenDeviceId" = ? AND "revokedAt" IS NULL AND "id" <> ? LIMIT 1`,
    [agent.tenantRef, deviceId, agent.device?.id ?? ""],
  );
  if (!held) return null;
  return {
    code: "device-identity-held",
    message: `Registration id ${deviceId} belongs to ${held.hostname}, whose agent proved it with the device certificate; only that agent may upload its reports.`,
  };
}
