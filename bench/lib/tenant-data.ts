/**
 * The benches' large tenant (bench:rules, bench:ui): the simulator's generated devices, and reports made from the
 * generator's report templates re-addressed to each device, written straight into the tables (no API, no rules pass)
 * so that a 100,000-device tenant is set up in seconds rather than hours.
 */
import { createHash, randomUUID } from "node:crypto";
import { DEVICE_REPORT_COLUMNS } from "@/lib/db/device-report-columns";
import { insertStatements, type DirectDb } from "@/lib/db/direct";
import { DIRECTORY_DEVICE_COLUMNS } from "@/lib/db/directory-device-columns";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import { worstSeverityRank as worstRankOf } from "@/lib/rules/severity";
import { generateTenant } from "@/simulator/generate-tenant";
import { mapGraphDevice, type DeviceColumns } from "@/lib/sync/map-graph-device";

export const BENCH_TENANT_ID = "aaaabbbb-0000-4ccc-8111-dddd2222eeee";

/** One report row's values (DeviceReport columns), times as Dates. */
export interface BenchReport {
  hostname: string;
  deviceId: string;
  capturedAt: Date;
  receivedAt: Date;
  joinType: string;
  azureAdPrt: boolean | null;
  deviceAuthStatus: string | null;
  thumbprint: string | null;
  computerDn: string | null;
  contentHash: string;
  parsed: string;
  dsregcmdText: string;
  findingsSnapshot: string;
  worstSeverityRank: number;
}

export interface BenchDevice {
  index: number;
  columns: DeviceColumns;
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
    const columns = mapGraphDevice(d as never);
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
          joinType: parsed.joinType,
          azureAdPrt: parsed.azureAdPrt,
          deviceAuthStatus: parsed.deviceAuthStatus,
          thumbprint: parsed.thumbprint,
          computerDn: t.computerDn ?? null,
          contentHash: createHash("sha256")
            .update(k === 0 ? `${i}` : `${i}/${k}`)
            .digest("hex"),
          parsed: parsedJson,
          dsregcmdText: t.text,
          findingsSnapshot,
          worstSeverityRank,
        });
      }
    }
    yield { index: i, columns, reports };
  }
}

/**
 * Writes the bench tenant (a Tenant row synced `now`, its devices and their reports, in batches of 500 devices) straight
 * into the tables, on SQLite or PostgreSQL. PostgreSQL's tables are analysed afterwards, as a sync's writes are.
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
  let deviceRows: Record<string, unknown>[] = [];
  let reportRows: Record<string, unknown>[] = [];
  let reports = 0;
  const reportedDeviceIds: string[] = [];
  const flush = async () => {
    await direct.batch([
      ...insertStatements(direct.dialect, "DirectoryDevice", DIRECTORY_DEVICE_COLUMNS, deviceRows),
      ...insertStatements(direct.dialect, "DeviceReport", DEVICE_REPORT_COLUMNS, reportRows),
    ]);
    deviceRows = [];
    reportRows = [];
  };
  for (const { index: i, columns: c, reports: made } of benchTenantDevices({ devices: options.devices, now, reportsPerDevice: options.reportsPerDevice })) {
    // The Intune columns and createdDateTime stay NULL, as in every bench:ui and bench:rules round recorded in
    // bench/RESULTS.md (the column lists kept here by hand before left them out).
    const unwritten = { createdDateTime: null, isCompliant: null, isManaged: null, mdmAppId: null };
    deviceRows.push({
      ...c,
      ...unwritten,
      id: randomUUID(),
      tenantRef,
      hasBitlockerKeys: i % 3 === 0,
      hasLapsPassword: i % 5 === 0,
      firstSeenAt: now,
      lastSeenAt: now,
      updatedAt: now,
    });
    for (const r of made)
      reportRows.push({ ...r, id: randomUUID(), tenantRef, source: "agent", agentVersion: "1.0.0", reportedTenantId: BENCH_TENANT_ID, uploadCount: 1 });
    if (made.length) reportedDeviceIds.push(made[0]!.deviceId);
    reports += made.length;
    if (deviceRows.length >= 500) await flush();
  }
  await flush();
  if (direct.dialect === "postgresql") await direct.query(`ANALYZE`);
  return { tenantRef, reports, reportedDeviceIds };
}
