import { parseArgs } from "node:util";
import { z } from "zod";
import { formatReportText } from "@/lib/reports/format-report-text";
import { directoryObjectFromGraph } from "@/lib/sync/directory-object-from-graph";
import { GraphDeviceSchema } from "@/lib/graph/graph-schemas";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { diagnoseOneReport } from "@/lib/rules/diagnose-one-report";
import { CliError } from "../cli-error";
import { CLI_INPUT_LIMITS, readInput } from "../read-input";
import { formatFindingsText } from "../format-findings-text";
import { parseFormat, readReportOrFail } from "./parse-command";

export const DIAGNOSE_USAGE =
  "joinscope diagnose [--format json|text] [--tenant-id GUID] [--captured-at ISO] FILE [DEVICE.json]\n" +
  "      (FILE may be -; DEVICE.json is Graph's answer for the device: GET /devices/{id}, /devices(deviceId='…') or\n" +
  "       /devices?$filter=deviceId eq '…'; an empty list or a 404 body diagnoses a missing object. Without\n" +
  "       --captured-at, PRT times are judged at the report's own Client Time, or stated as info when it has none)";

export async function runDiagnoseCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: "string" }, "tenant-id": { type: "string" }, "captured-at": { type: "string" } },
    allowPositionals: true,
  });
  const format = parseFormat(values.format);
  const [file, deviceFile] = positionals;
  if (!file || positionals.length > 2) throw new CliError(`usage: ${DIAGNOSE_USAGE}`, 2);
  const capturedAt = values["captured-at"];
  if (capturedAt !== undefined && Number.isNaN(Date.parse(capturedAt))) {
    throw new CliError(`--captured-at must be an ISO 8601 time, not "${capturedAt}"`, 2);
  }
  const report = await readReportOrFail(file);
  const directory = deviceFile ? await readDirectoryObject(deviceFile, report) : undefined;
  const { findings } = diagnoseOneReport({
    report,
    directory,
    expectedTenantId: values["tenant-id"]?.toLowerCase() ?? null,
    capturedAt: capturedAt ?? null,
    now: new Date().toISOString(),
  });
  if (format === "json") {
    process.stdout.write(`${JSON.stringify({ report, findings }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatReportText(report)}\n${formatFindingsText(findings)}`);
  }
}

/**
 * The device's object as the admin saved Graph's answer: the object (`GET /devices/{id}`), a list with one device
 * (`GET /devices?$filter=deviceId eq '…'`), or Graph's "not found" answers, which mean "no object" and are diagnosed
 * as a missing object: an empty `value` list, or a 404 error body (`Request_ResourceNotFound`). An object of another
 * device is refused: its findings would be about the wrong machine.
 */
async function readDirectoryObject(path: string, report: ParsedDsregcmd): Promise<DirectoryObject | null> {
  const bytes = await readInput(path, CLI_INPUT_LIMITS.json);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new CliError(`${path}: not a readable JSON file (${(e as Error).message})`);
  }
  const notFound = GraphNotFoundSchema.safeParse(json);
  if (notFound.success) return null;
  const list = (json as { value?: unknown })?.value;
  if (Array.isArray(list) && list.length > 1) {
    throw new CliError(`${path}: a list of ${list.length} devices; save the one device whose deviceId is the report's (${report.deviceId ?? "unknown"})`);
  }
  const candidate = Array.isArray(list) && list.length === 1 ? list[0] : json;
  const parsed = GraphDeviceSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${path}: not a Graph device object (${issue?.path.join(".") || "root"}: ${issue?.message})`);
  }
  const object = directoryObjectFromGraph(parsed.data);
  if (object.deviceId && report.deviceId && object.deviceId.toLowerCase() !== report.deviceId.toLowerCase()) {
    throw new CliError(
      `${path}: this is the object of device ${object.deviceId}${object.displayName ? ` (${object.displayName})` : ""}, but the report is device ${report.deviceId}. ` +
        `Save the report's own object: GET /v1.0/devices?$filter=deviceId eq '${report.deviceId}'`,
    );
  }
  return object;
}

/** Graph's answers for "no such device": `{ "value": [] }`, or a 404 error body. */
const GraphNotFoundSchema = z.union([
  z.object({ value: z.array(z.unknown()).length(0) }).loose(),
  z.object({ error: z.object({ code: z.literal("Request_ResourceNotFound") }).loose() }).loose(),
]);
