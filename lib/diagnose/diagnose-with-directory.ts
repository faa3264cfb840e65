import "server-only";
import { directDb, type DirectDb } from "@/lib/db/direct";
import { loadSubjectContext } from "@/lib/findings/load-subject-context";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import { resolveCaptureTime, type CaptureTime } from "@/lib/rules/capture-time";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { evaluateDevice } from "@/lib/rules/evaluate-device-rules";
import type { Finding } from "@/lib/rules/types";

/** The synced device a pasted report's DeviceId names. */
export interface PastedReportDevice {
  /** The device page's subject ("d:<deviceId>"). */
  subjectKey: string;
  deviceId: string;
  objectId: string;
  name: string;
  state: "live" | "deleted" | "pending" | "disabled";
}

export interface DirectoryDiagnosis {
  device: PastedReportDevice;
  /** Every rule, report-only and directory, as the findings pass runs them; the primary cause first. */
  findings: Finding[];
  primaryRule: string | null;
  captureTime: CaptureTime;
}

function stateOf(o: DirectoryObject): PastedReportDevice["state"] {
  if (o.deletedAt) return "deleted";
  if (o.isPending) return "pending";
  if (o.accountEnabled === false) return "disabled";
  return "live";
}

/**
 * A pasted report judged with its device's directory object, as the fleet path judges an upload: the subject the
 * findings pass would load for its DeviceId (the object, its deletion history, the same machine's other objects, the
 * tenant's settings), with the pasted capture in place of the latest stored report. Null when the report has no
 * DeviceId or the tenant's directory holds no object with it: the paste box then runs the report-only rules. Reads
 * only; nothing is stored.
 */
export async function diagnoseWithDirectory(options: {
  tenantRef: string;
  report: ParsedDsregcmd;
  /** A capture time the admin gave; else the report's own clock. */
  capturedAt: string | null;
  now: string;
  direct?: DirectDb;
}): Promise<DirectoryDiagnosis | null> {
  const deviceId = options.report.deviceId?.trim().toLowerCase();
  if (!deviceId || !/^[0-9a-f-]{36}$/.test(deviceId)) return null;
  const context = await loadSubjectContext({ tenantRef: options.tenantRef, scope: { deviceIds: [deviceId] }, direct: options.direct ?? directDb() });
  const key = `d:${deviceId}`;
  if (!context.keys.includes(key)) return null;
  const [pending] = await context.build([key]);
  const subject = pending?.load().subject;
  const object = subject?.directory;
  if (!subject || !object) return null;

  const captureTime = resolveCaptureTime(options.report, options.capturedAt ? { at: options.capturedAt, source: "admin" } : null);
  // Join rules compare report and directory times; with no capture time the evaluation time stands in for them,
  // while the PRT rules are told it is unknown (diagnose-one-report.ts does the same).
  const at = captureTime.at ?? options.now;
  const evaluated = evaluateDevice(
    {
      ...subject,
      report: {
        parsed: options.report,
        systemParsed: null,
        capturedAt: at,
        captureTime,
        receivedAt: at,
        hostname: subject.report?.hostname ?? options.report.deviceName ?? object.displayName ?? deviceId,
        computerDn: null,
        objectGuid: null,
        events: [],
      },
      lastReportAt: subject.lastReportAt && subject.lastReportAt > at ? subject.lastReportAt : at,
    },
    { ...context.settings, now: options.now },
  );
  return {
    device: { subjectKey: key, deviceId, objectId: object.objectId, name: object.displayName ?? options.report.deviceName ?? deviceId, state: stateOf(object) },
    findings: evaluated.findings,
    primaryRule: evaluated.primaryRule,
    captureTime,
  };
}
