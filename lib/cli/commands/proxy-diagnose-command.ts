import { parseArgs } from "node:util";
import { diagnoseProxy, type ProxyDiagnosis } from "@/lib/proxy/diagnose-proxy";
import { sourceFromPath, sourceFromStream } from "@/lib/proxy/input";
import { readProxyFile } from "@/lib/proxy/read-proxy-file";
import { PROXY_FILE_KIND_LABEL, ProxyInputError, type ProxyFileRead } from "@/lib/proxy/types";
import { CliError } from "../cli-error";
import { formatFindingsText } from "../format-findings-text";
import { parseFormat } from "./parse-command";

export const PROXY_DIAGNOSE_USAGE =
  "joinscope proxy-diagnose [--format json|text] FILE...\n" +
  "      (Application Proxy: any mix of the connector's trace log, its Admin event log saved as XML or CSV, and a browser\n" +
  '       session as HAR or Fiddler SAZ, up to 100 MB each; `-` reads one from standard input. Prints { "files": [...],\n' +
  '       "findings": [...] }; exit 1 when a file is not one of these formats or is damaged)';

export async function runProxyDiagnoseCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { format: { type: "string" } }, allowPositionals: true });
  const format = parseFormat(values.format);
  if (positionals.length === 0) throw new CliError(`usage: ${PROXY_DIAGNOSE_USAGE}`, 2);
  if (positionals.filter((p) => p === "-").length > 1) throw new CliError("standard input (-) can be given once", 2);
  const reads: ProxyFileRead[] = [];
  for (const file of positionals) {
    try {
      const source = file === "-" ? sourceFromStream("standard input", process.stdin) : await sourceFromPath(file);
      reads.push(await readProxyFile(source));
    } catch (e) {
      if (e instanceof ProxyInputError) throw new CliError(e.message);
      const err = e as NodeJS.ErrnoException;
      if (err.code) throw new CliError(`cannot read ${file}: ${err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "a directory" : err.message}`);
      throw e;
    }
  }
  const diagnosis = diagnoseProxy(reads);
  for (const r of reads) for (const w of r.summary.warnings) process.stderr.write(`joinscope: warning: ${r.summary.name}: ${w}\n`);
  process.stdout.write(format === "json" ? `${JSON.stringify(diagnosis, null, 2)}\n` : formatDiagnosisText(diagnosis));
}

function formatDiagnosisText({ files, findings }: ProxyDiagnosis): string {
  const list = files.map(
    (f) =>
      `  ${f.name}: ${PROXY_FILE_KIND_LABEL[f.kind]}, ${f.records} ${f.kind === "har" || f.kind === "saz" ? "requests" : "entries"}, ${f.failures} failed${f.from ? `, ${f.from} – ${f.to}` : ""}`,
  );
  return `Files:\n${list.join("\n")}\n\n${formatFindingsText(findings)}`;
}
