/**
 * The benches' large tenants, written straight into the tables (no API, no rules pass) so that a 100,000-device tenant
 * is set up in minutes rather than hours:
 * - bench:rules and bench:ui's (benchTenantDevices): the simulator's generated devices, and reports made from the
 *   generator's report templates re-addressed to each device;
 * - bench:signins's (simTenantDevices): the tenant the simulator serves, its live directory objects as a full sync
 *   stores them and each machine's report as its agent's upload stores it, so that its sign-ins join as they would.
 */
import { createHash, randomUUID } from "node:crypto";
import { DEVICE_REPORT_COLUMNS, REPORT_USER_COLUMNS } from "@/lib/db/device-report-columns";
import { insertStatements, type DirectDb } from "@/lib/db/direct";
import { DIRECTORY_DEVICE_COLUMNS } from "@/lib/db/directory-device-columns";
import { timeOrderedId } from "@/lib/db/time-ordered-id";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import { encodeReportText } from "@/lib/reports/report-text-codec";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import { namedDeviceId, tiedDeviceId } from "@/lib/rules/machine-tie";
import { worstSeverityRank as worstRankOf } from "@/lib/rules/severity";
import { reportUserPrincipalNameOf } from "@/lib/signins/index-report-users";
import { generateTenant } from "@/simulator/generate-tenant";
import type { GeneratedTenant } from "@/simulator/types";
import { mapGraphDevice, type DeviceColumns } from "@/lib/sync/map-graph-device";

export const BENCH_TENANT_ID = "aaaabbbb-0000-4ccc-8111-dddd2222eeee";

/** One report row's values (DeviceReport columns), times as Dates. */
export interface BenchReport {
  hostname: string;
  deviceId: string | null;
  capturedAt: Date;
  receivedAt: Date;
  agentVersion: string;
  joinType: string;
  azureAdPrt: boolean | null;
  deviceAuthStatus: string | null;
  thumbprint: string | null;
  computerDn: string | null;
  reportedTenantId: string | null;
  contentHash: string;
  /** The parsed JSON and the text, as rows from before decision 013 hold them; "" when `textZ` holds the text. */
  parsed: string;
  dsregcmdText: string;
  /** The compressed text, as uploads store it since decision 013 (lib/reports/stored-report-body.ts). */
  textZ: Buffer | null;
  findingsSnapshot: string;
  worstSeverityRank: number;
  /** Whose session it was captured in, as its upload records it (ReportUser); null: not recorded (or no work account). */
  userPrincipalName: string | null;
}

/** A directory object's row values beside the columns Graph's object gives. */
export interface BenchObject {
  columns: DeviceColumns;
  hasBitlockerKeys: boolean | null;
  hasLapsPassword: boolean | null;
}

export interface BenchDevice {
  index: number;
  /** Null for a machine whose reports name no live directory object (a deleted registration, a Pending machine). */
  object: BenchObject | null;
  /** Its reports, newest first (none for an object without a registration id or a Pending one). */
  reports: BenchReport[];
}

const dsregTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", " UTC");

/** The template's certificate validity moved by `shiftMs`: the parsed fields and the DeviceCertificateValidity line. */
function shiftCertificate(parsed: ParsedDsregcmd, shiftMs: number): Partial<ParsedDsregcmd> {
  if (!parsed.certValidFrom || !parsed.certValidTo || shiftMs === 0) return {};
  const from = Date.parse(parsed.certValidFrom) + shiftMs;
  const to = Date.parse(parsed.certValidTo) + shiftMs;
  const line = `[ ${dsregTime(from)} -- ${dsregTime(to)} ]`;
  return {
    certValidFrom: new Date(from).toISOString(),
    certValidTo: new Date(to).toISOString(),
    sections: parsed.sections.map((section) => ({
      ...section,
      fields: section.fields.map((f) => (f.key.trim() === "DeviceCertificateValidity" ? { ...f, value: line } : f)),
    })),
  };
}

/** The template's DeviceId, Thumbprint and Device Name lines given this device's values, as its own dsregcmd prints them. */
function readdressLines(parsed: ParsedDsregcmd, values: Record<string, string | null>): Partial<ParsedDsregcmd> {
  return {
    sections: parsed.sections.map((section) => ({
      ...section,
      fields: section.fields.map((f) => {
        const value = values[f.key.trim()];
        return value ? { ...f, value } : f;
      }),
    })),
  };
}

/**
 * Generates `devices` directory objects and, for each with a registration id that is not Pending, `reportsPerDevice`
 * reports, the newest captured `(i % 240)` minutes before `now` and each earlier one `intervalMinutes` before the next
 * (an agent's schedule). Yields one device at a time, in order, so a caller writes them without holding all in memory.
 */
export function* benchTenantDevices(options: { devices: number; now: Date; reportsPerDevice: number; intervalMinutes?: number }): Generator<BenchDevice> {
  const { now } = options;
  const interval = (options.intervalMinutes ?? 240) * 60_000;
  const big = generateTenant({ seed: 31, deviceCount: options.devices, tenantId: BENCH_TENANT_ID, tenantName: "Contoso", now, includeReports: false });
  // Report templates for every state, re-addressed to each device below. A template keeps how its certificate relates
  // to its own device's registration (the generator makes a few certificates from another registration): re-addressed,
  // the certificate is shifted by as much as the registration times differ, as on a real machine. (Before the fourth
  // round it kept the template's dates, so 95% of the devices got a certificate from "another registration".)
  const templateTenant = generateTenant({ seed: 32, deviceCount: 600, tenantId: BENCH_TENANT_ID, tenantName: "Contoso", now, includeReports: true });
  const templateRegistered = new Map(
    templateTenant.devices.map((d) => [d.deviceId?.toLowerCase(), d.registrationDateTime ? Date.parse(d.registrationDateTime) : null]),
  );
  const templates = templateTenant.reports.map((r) => {
    const p = parseDsregcmd(r.dsregcmd);
    if (!p.ok) throw new Error("template did not parse");
    return {
      parsed: p.report,
      text: r.dsregcmd,
      computerDn: r.computerDn,
      registeredMs: templateRegistered.get(p.report.deviceId?.toLowerCase() ?? "") ?? null,
    };
  });

  for (const [i, d] of big.devices.entries()) {
    // The Intune columns and createdDateTime stay NULL, as in every bench:ui and bench:rules round recorded in
    // bench/RESULTS.md (the column lists kept here by hand before left them out).
    const columns = { ...mapGraphDevice(d as never), createdDateTime: null, isCompliant: null, isManaged: null, mdmAppId: null };
    const reports: BenchReport[] = [];
    if (columns.deviceId && !columns.isPending) {
      const t = templates[i % templates.length]!;
      const shift = t.registeredMs !== null && columns.registrationDateTime ? columns.registrationDateTime.getTime() - t.registeredMs : 0;
      const shifted = { ...t.parsed, ...shiftCertificate(t.parsed, shift) };
      const thumbprint = columns.thumbprint ?? t.parsed.thumbprint;
      const parsed: ParsedDsregcmd = {
        ...shifted,
        ...readdressLines(shifted, { DeviceId: columns.deviceId, Thumbprint: thumbprint, "Device Name": columns.displayName }),
        deviceId: columns.deviceId,
        thumbprint,
        deviceName: columns.displayName,
        tenantId: BENCH_TENANT_ID,
      };
      const parsedJson = JSON.stringify(parsed);
      const newest = now.getTime() - (i % 240) * 60_000;
      // The rules run on the newest report only (the findings pass and the Overview read no other); the earlier ones
      // carry its snapshot.
      const findings = evaluateReportRules({
        report: parsed,
        expectedTenantId: BENCH_TENANT_ID,
        capturedAt: new Date(newest).toISOString(),
        now: now.toISOString(),
      });
      const findingsSnapshot = JSON.stringify(findings);
      const worstSeverityRank = worstRankOf(findings);
      for (let k = 0; k < options.reportsPerDevice; k++) {
        const capturedAt = new Date(newest - k * interval);
        reports.push({
          hostname: columns.displayName ?? `PC-${i}`,
          deviceId: columns.deviceId,
          capturedAt,
          receivedAt: capturedAt,
          agentVersion: "1.0.0",
          joinType: parsed.joinType,
          azureAdPrt: parsed.azureAdPrt,
          deviceAuthStatus: parsed.deviceAuthStatus,
          thumbprint: parsed.thumbprint,
          computerDn: t.computerDn ?? null,
          reportedTenantId: BENCH_TENANT_ID,
          contentHash: createHash("sha256")
            .update(k === 0 ? `${i}` : `${i}/${k}`)
            .digest("hex"),
          parsed: parsedJson,
          dsregcmdText: t.text,
          textZ: null,
          findingsSnapshot,
          worstSeverityRank,
          userPrincipalName: null,
        });
      }
    }
    yield { index: i, object: { columns, hasBitlockerKeys: i % 3 === 0, hasLapsPassword: i % 5 === 0 }, reports };
  }
}

/**
 * The tenant the simulator serves (createSimTenant's `generated`, built with `includeReports`) as a full directory sync
 * and its agents' uploads leave it: each live directory object as the sync maps it (key presence not read: NULL), and
 * each machine's report under its own object, stored as ingestReport stores an upload (the text compressed, the
 * findings judged at the capture with the report's events, the session's user recorded, a Pending machine's report
 * tied to its object), received when captured. The deleted objects stay out, as a full sync reads none. (Its agent
 * events are not written: the sign-in join reads none.)
 */
export function* simTenantDevices(generated: GeneratedTenant, now: Date): Generator<BenchDevice> {
  const objects = generated.devices.map((d) => mapGraphDevice(d as never));
  const named = objects.filter((c) => c.deviceId !== null).map((c) => ({ deviceId: c.deviceId!, displayName: c.displayName }));
  const byObject = new Map<string, BenchReport[]>();
  const orphans: BenchReport[] = [];
  for (const r of generated.reports) {
    const p = parseDsregcmd(r.dsregcmd);
    if (!p.ok) throw new Error(`${r.hostname}: the simulator's report did not parse`);
    const report = p.report;
    const capturedAt = new Date(r.capturedAt);
    const findings = evaluateReportRules({
      report,
      events: r.events,
      expectedTenantId: generated.tenantId,
      capturedAt: capturedAt.toISOString(),
      now: now.toISOString(),
    });
    const row: BenchReport = {
      hostname: r.hostname,
      // A Pending machine's report under the object its join error names, as ingestReport ties it (lib/rules/machine-tie.ts).
      deviceId: report.deviceId ?? tiedDeviceId(r.hostname, [namedDeviceId(report, null)], named),
      capturedAt,
      receivedAt: capturedAt,
      agentVersion: r.agentVersion,
      joinType: report.joinType,
      azureAdPrt: report.azureAdPrt,
      deviceAuthStatus: report.deviceAuthStatus,
      thumbprint: report.thumbprint,
      computerDn: r.computerDn,
      reportedTenantId: report.tenantId,
      contentHash: createHash("sha256").update(r.dsregcmd).digest("hex"),
      parsed: "",
      dsregcmdText: "",
      textZ: encodeReportText(r.dsregcmd),
      findingsSnapshot: JSON.stringify(findings),
      worstSeverityRank: worstRankOf(findings),
      userPrincipalName: reportUserPrincipalNameOf(report),
    };
    const list = r.objectId ? byObject.get(r.objectId) : undefined;
    if (r.objectId && !list) byObject.set(r.objectId, [row]);
    else if (list) list.push(row);
    else orphans.push(row);
  }
  const live = new Set<string>();
  for (const [i, columns] of objects.entries()) {
    live.add(columns.objectId);
    yield { index: i, object: { columns, hasBitlockerKeys: null, hasLapsPassword: null }, reports: byObject.get(columns.objectId) ?? [] };
  }
  // Reports whose object is gone (deleted in the directory), then those that named none.
  let index = generated.devices.length;
  for (const [objectId, reports] of byObject) if (!live.has(objectId)) yield { index: index++, object: null, reports };
  for (const report of orphans) yield { index: index++, object: null, reports: [report] };
}

/**
 * Writes the bench tenant (a Tenant row synced `now`, its devices and their reports) straight into the tables, on
 * SQLite or PostgreSQL. PostgreSQL's tables are analysed afterwards, as a sync's writes are.
 * Returns the tenant's id, the number of reports and the registration ids of the devices that reported.
 */
export async function writeBenchTenant(
  direct: DirectDb,
  options: { devices: number; reportsPerDevice: number; now: Date },
): Promise<{ tenantRef: string; reports: number; reportedDeviceIds: string[] }> {
  const { now } = options;
  const tenantRef = randomUUID();
  await direct.batch([
    {
      sql: `INSERT INTO "Tenant" ("id", "tenantId", "name", "createdAt", "updatedAt", "lastSyncAt", "lastFullSyncAt") VALUES (?, ?, ?, ?, ?, ?, ?)`,
      params: [tenantRef, BENCH_TENANT_ID, "Contoso", now, now, now, now],
    },
  ]);
  const written = await writeTenantDevices(direct, {
    tenantRef,
    now,
    devices: benchTenantDevices({ devices: options.devices, now, reportsPerDevice: options.reportsPerDevice }),
  });
  if (direct.dialect === "postgresql") await direct.query(`ANALYZE`);
  return { tenantRef, ...written };
}

/**
 * Writes `devices` (their directory objects, reports and the reports' recorded users) into an existing tenant, in
 * batches of 500 devices, one transaction each. Returns the number of reports and the registration ids of the
 * devices that reported.
 */
export async function writeTenantDevices(
  direct: DirectDb,
  options: { tenantRef: string; now: Date; devices: Iterable<BenchDevice> },
): Promise<{ reports: number; reportedDeviceIds: string[] }> {
  const { tenantRef, now } = options;
  let deviceRows: Record<string, unknown>[] = [];
  let reportRows: Record<string, unknown>[] = [];
  let userRows: Record<string, unknown>[] = [];
  let batched = 0;
  let reports = 0;
  const reportedDeviceIds: string[] = [];
  const flush = async () => {
    await direct.batch([
      ...insertStatements(direct.dialect, "DirectoryDevice", DIRECTORY_DEVICE_COLUMNS, deviceRows),
      ...insertStatements(direct.dialect, "DeviceReport", DEVICE_REPORT_COLUMNS, reportRows),
      ...insertStatements(direct.dialect, "ReportUser", REPORT_USER_COLUMNS, userRows),
    ]);
    deviceRows = [];
    reportRows = [];
    userRows = [];
    batched = 0;
  };
  for (const { object, reports: made } of options.devices) {
    if (object)
      deviceRows.push({
        ...object.columns,
        id: randomUUID(),
        tenantRef,
        hasBitlockerKeys: object.hasBitlockerKeys,
        hasLapsPassword: object.hasLapsPassword,
        firstSeenAt: now,
        lastSeenAt: now,
        updatedAt: now,
      });
    for (const { userPrincipalName, ...r } of made) {
      const id = randomUUID();
      reportRows.push({ ...r, id, tenantRef, source: "agent", uploadCount: 1 });
      if (userPrincipalName)
        userRows.push({
          id: timeOrderedId(),
          tenantRef,
          reportRef: id,
          userPrincipalName,
          deviceId: r.deviceId,
          hostname: r.hostname,
          capturedAt: r.capturedAt,
        });
    }
    if (made.length && made[0]!.deviceId) reportedDeviceIds.push(made[0]!.deviceId);
    reports += made.length;
    if (++batched >= 500) await flush();
  }
  await flush();
  return { reports, reportedDeviceIds };
}
