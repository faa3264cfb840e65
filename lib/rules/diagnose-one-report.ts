import type { ParsedDsregcmd } from "@/lib/reports/types";
import { resolveCaptureTime, type CaptureTime } from "@/lib/rules/capture-time";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { evaluateDeviceRules } from "@/lib/rules/evaluate-device-rules";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import type { Finding } from "@/lib/rules/types";

export interface DiagnoseOneReportInput {
  report: ParsedDsregcmd;
  /**
   * The device's directory object as Graph returned it (already mapped), `null` when Graph answered "not found", or
   * undefined when the admin gave none: then only the report-only rules run.
   */
  directory?: DirectoryObject | null;
  /** The tenant the report should belong to (the dashboard's tenant, `--tenant-id`), if known. */
  expectedTenantId: string | null;
  /** A capture time the admin gave (`--captured-at`, the paste box's "Captured at"); else the report's own clock. */
  capturedAt?: string | null;
  now: string;
}

export interface DiagnoseOneReportResult {
  findings: Finding[];
  captureTime: CaptureTime;
}

/**
 * One report (and optionally its directory object) judged exactly as the fleet path judges it: the same rule
 * functions, with the report's own capture time instead of "now". The CLI's `diagnose` and the dashboard's paste
 * box both call this, so they give the same answers as an agent upload of the same report.
 */
export function diagnoseOneReport(input: DiagnoseOneReportInput): DiagnoseOneReportResult {
  const captureTime = resolveCaptureTime(input.report, input.capturedAt ? { at: input.capturedAt, source: "admin" } : null);
  if (input.directory === undefined) {
    const findings = evaluateReportRules({
      report: input.report,
      expectedTenantId: input.expectedTenantId,
      capturedAt: captureTime.at,
      capturedAtEvidence: captureTime.evidence,
      now: input.now,
    });
    return { findings, captureTime };
  }
  // Join rules compare report and directory times; with no capture time the evaluation time stands in for them,
  // while the PRT rules are told it is unknown (DeviceSubjectReport.captureTime).
  const capturedAt = captureTime.at ?? input.now;
  const findings = evaluateDeviceRules(
    {
      tenantId: input.expectedTenantId ?? input.report.tenantId ?? "",
      report: { parsed: input.report, capturedAt, captureTime, receivedAt: capturedAt, hostname: hostnameOf(input) },
      directory: input.directory,
      history: [],
      otherObjects: [],
      candidates: [],
      lastReportAt: capturedAt,
    },
    { now: input.now },
  );
  return { findings, captureTime };
}

/**
 * The report's Device Name, else the object's name: the re-enable command names the computer with it, so a paste
 * without the Device Name line must not make one up ("" leaves the name out).
 */
function hostnameOf(input: DiagnoseOneReportInput): string {
  return input.report.deviceName ?? input.directory?.displayName ?? "";
}
