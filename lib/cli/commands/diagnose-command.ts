import { parseArgs } from "node:util";
import { formatReportText } from "@/lib/reports/format-report-text";
import { evaluateReportRules } from "@/lib/rules/evaluate-report-rules";
import { CliError } from "../cli-error";
import { formatFindingsText } from "../format-findings-text";
import { parseFormat, readReportOrFail } from "./parse-command";

export const DIAGNOSE_USAGE =
  "joinscope diagnose [--format json|text] [--tenant-id GUID] [--captured-at ISO] FILE   (FILE may be -)";

export async function runDiagnoseCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: "string" }, "tenant-id": { type: "string" }, "captured-at": { type: "string" } },
    allowPositionals: true,
  });
  const format = parseFormat(values.format);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new CliError(`usage: ${DIAGNOSE_USAGE}`, 2);
  const now = new Date().toISOString();
  const capturedAt = values["captured-at"] ?? now;
  if (Number.isNaN(Date.parse(capturedAt))) throw new CliError(`--captured-at must be an ISO 8601 time, not "${capturedAt}"`, 2);
  const report = await readReportOrFail(file);
  const findings = evaluateReportRules({
    report,
    expectedTenantId: values["tenant-id"]?.toLowerCase() ?? null,
    capturedAt: new Date(capturedAt).toISOString(),
    now,
  });
  if (format === "json") {
    process.stdout.write(`${JSON.stringify({ report, findings }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatReportText(report)}\n${formatFindingsText(findings)}`);
  }
}
