import { parseArgs } from "node:util";
import { formatReportText } from "@/lib/reports/format-report-text";
import { readFile } from "node:fs/promises";
import { directoryObjectFromGraph } from "@/lib/findings/directory-object-from-graph";
import { GraphDeviceSchema } from "@/lib/graph/graph-schemas";
import { evaluateDeviceRules } from "@/lib/rules/evaluate-device-rules";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import { CliError } from "../cli-error";
import { formatFindingsText } from "../format-findings-text";
import { parseFormat, readReportOrFail } from "./parse-command";

export const DIAGNOSE_USAGE =
  "joinscope diagnose [--format json|text] [--tenant-id GUID] [--captured-at ISO] FILE [DEVICE.json]\n" +
  "      (FILE may be -; DEVICE.json is the device object as Graph returns it: GET /devices/{id} or /devices(deviceId='…'))";

export async function runDiagnoseCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: "string" }, "tenant-id": { type: "string" }, "captured-at": { type: "string" } },
    allowPositionals: true,
  });
  const format = parseFormat(values.format);
  const [file, deviceFile] = positionals;
  if (!file || positionals.length > 2) throw new CliError(`usage: ${DIAGNOSE_USAGE}`, 2);
  const now = new Date().toISOString();
  const capturedAt = values["captured-at"] ?? now;
  if (Number.isNaN(Date.parse(capturedAt))) throw new CliError(`--captured-at must be an ISO 8601 time, not "${capturedAt}"`, 2);
  const report = await readReportOrFail(file);
  const capturedIso = new Date(capturedAt).toISOString();
  let findings;
  if (deviceFile) {
    const directory = await readDirectoryObject(deviceFile);
    findings = evaluateDeviceRules(
      {
        tenantId: values["tenant-id"]?.toLowerCase() ?? report.tenantId ?? "",
        report: { parsed: report, capturedAt: capturedIso, receivedAt: capturedIso, hostname: report.deviceName ?? "unknown" },
        directory,
        history: [],
        otherObjects: [],
        candidates: [],
        lastReportAt: capturedIso,
      },
      { now },
    );
  } else {
    findings = evaluateReportRules({ report, expectedTenantId: values["tenant-id"]?.toLowerCase() ?? null, capturedAt: capturedIso, now });
  }
  if (format === "json") {
    process.stdout.write(`${JSON.stringify({ report, findings }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatReportText(report)}\n${formatFindingsText(findings)}`);
  }
}

async function readDirectoryObject(path: string) {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new CliError(`${path}: not a readable JSON file (${(e as Error).message})`);
  }
  // Accept the object itself, or a list response with exactly one device.
  const candidate = (json as { value?: unknown[] })?.value?.length === 1 ? (json as { value: unknown[] }).value[0] : json;
  const parsed = GraphDeviceSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${path}: not a Graph device object (${issue?.path.join(".") || "root"}: ${issue?.message})`);
  }
  return directoryObjectFromGraph(parsed.data);
}
