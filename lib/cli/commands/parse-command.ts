import { parseArgs } from "node:util";
import { formatReportText } from "@/lib/reports/format-report-text";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import { CliError } from "../cli-error";
import { CLI_INPUT_LIMITS, readInput } from "../read-input";

export const PARSE_USAGE = "joinscope parse [--format json|text] FILE   (FILE may be - for standard input)";

export function parseFormat(value: string | undefined): "json" | "text" {
  if (value === undefined) return "json";
  if (value === "json" || value === "text") return value;
  throw new CliError(`--format must be json or text, not "${value}"`, 2);
}

export async function readReportOrFail(file: string) {
  const bytes = await readInput(file, CLI_INPUT_LIMITS.report);
  const result = parseDsregcmd(bytes);
  if (!result.ok) throw new CliError(`${file === "-" ? "standard input" : file}: ${result.error.message}`);
  for (const warning of result.warnings) process.stderr.write(`joinscope: warning: ${warning}\n`);
  return result.report;
}

export async function runParseCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { format: { type: "string" } }, allowPositionals: true });
  const format = parseFormat(values.format);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new CliError(`usage: ${PARSE_USAGE}`, 2);
  const report = await readReportOrFail(file);
  process.stdout.write(format === "json" ? `${JSON.stringify(report, null, 2)}\n` : formatReportText(report));
}
