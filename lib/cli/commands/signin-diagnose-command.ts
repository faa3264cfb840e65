import { parseArgs } from "node:util";
import { z } from "zod";
import { directoryObjectFromGraph } from "@/lib/sync/directory-object-from-graph";
import { GraphDeviceSchema } from "@/lib/graph/graph-schemas";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { formatTime } from "@/lib/rules/report-fields";
import { diagnoseSignIn, type DiagnoseSignInResult } from "@/lib/signins/diagnose-sign-in";
import { GraphSignInSchema, type GraphSignIn } from "@/lib/signins/graph-sign-in-schema";
import { CliError } from "../cli-error";
import { formatFindingsText } from "../format-findings-text";
import { CLI_INPUT_LIMITS, readInput } from "../read-input";
import { parseFormat } from "./parse-command";

export const SIGNIN_DIAGNOSE_USAGE =
  "joinscope signin-diagnose [--format json|text] SIGNIN.json [REPORT.txt] [DEVICE.json]\n" +
  '      (SIGNIN.json is one sign-in as GET /auditLogs/signIns/{id} returns it, or a page { "value": [...] }, which gives\n' +
  "       { \"results\": [...] }; REPORT.txt is dsregcmd /status of the user's machine; DEVICE.json is Graph's answer for the\n" +
  "       device the sign-in presented, or the report's: GET /devices?$filter=deviceId eq '…' (an empty list: no object))";

/** One sign-in with its findings, as `--format json` prints it (a page prints `{ "results": [these] }`). */
type Output = Pick<DiagnoseSignInResult, "signIn" | "findings">;

export async function runSigninDiagnoseCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { format: { type: "string" } }, allowPositionals: true });
  const format = parseFormat(values.format);
  const [signInFile, ...rest] = positionals;
  if (!signInFile || rest.length > 2) throw new CliError(`usage: ${SIGNIN_DIAGNOSE_USAGE}`, 2);

  const { signIns, page } = readSignIns(signInFile, await readBytes(signInFile));
  let report: ParsedDsregcmd | null = null;
  let device: { object: DirectoryObject | null; file: string } | null = null;
  for (const file of rest) {
    const bytes = await readBytes(file);
    const json = asJson(bytes);
    if (json !== undefined) {
      if (device) throw new CliError(`${file}: a second directory object; give the sign-in, at most one report and one DEVICE.json`, 2);
      device = { object: readDirectoryObject(file, json), file };
    } else {
      if (report) throw new CliError(`${file}: a second report; give the sign-in, at most one report and one DEVICE.json`, 2);
      const parsed = parseDsregcmd(bytes);
      if (!parsed.ok) throw new CliError(`${file}: ${parsed.error.message}`);
      for (const warning of parsed.warnings) process.stderr.write(`joinscope: warning: ${warning}\n`);
      report = parsed.report;
    }
  }

  const outputs: Output[] = signIns.map((signIn) => {
    const object = device ? deviceFor(signIn, report, device, !page) : undefined;
    const { signIn: summary, findings } = diagnoseSignIn({ signIn, report, ...(object !== undefined ? { directory: object } : {}) });
    return { signIn: summary, findings };
  });
  if (format === "json") {
    process.stdout.write(`${JSON.stringify(page ? { results: outputs } : outputs[0], null, 2)}\n`);
    return;
  }
  process.stdout.write(outputs.map(formatSignInText).join("\n"));
}

/** Sign-in JSON, a device's JSON or a report (the parser refuses a report over its own, smaller bound). */
function readBytes(file: string): Promise<Buffer> {
  return readInput(file, CLI_INPUT_LIMITS.json);
}

/** The file's JSON when it is JSON (UTF-8, with or without a byte-order mark), else undefined. */
function asJson(bytes: Buffer): unknown {
  const text = bytes
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trim();
  if (!text.startsWith("{") && !text.startsWith("[")) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const PageSchema = z.object({ value: z.array(z.unknown()) }).loose();

function readSignIns(file: string, bytes: Buffer): { signIns: GraphSignIn[]; page: boolean } {
  const name = file === "-" ? "standard input" : file;
  const json = asJson(bytes);
  if (json === undefined) throw new CliError(`${name}: not JSON; give a sign-in as Graph returns it (GET /v1.0/auditLogs/signIns/{id})`);
  const page = PageSchema.safeParse(json);
  const items = page.success ? page.data.value : [json];
  const signIns = items.map((item, i) => {
    const parsed = GraphSignInSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = page.success ? `value[${i}]` : "";
      throw new CliError(
        `${name}: ${where ? `${where} is ` : ""}not a sign-in as Graph returns it (${[where, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".") || "root"}: ${issue?.message}); expected a signIn from GET /v1.0/auditLogs/signIns`,
      );
    }
    return parsed.data;
  });
  return { signIns, page: page.success };
}

/** Graph's answers for "no such device": `{ "value": [] }`, or a 404 error body. */
const GraphNotFoundSchema = z.union([
  z.object({ value: z.array(z.unknown()).length(0) }).loose(),
  z.object({ error: z.object({ code: z.literal("Request_ResourceNotFound") }).loose() }).loose(),
]);

function readDirectoryObject(file: string, json: unknown): DirectoryObject | null {
  if (GraphNotFoundSchema.safeParse(json).success) return null;
  const list = (json as { value?: unknown })?.value;
  if (Array.isArray(list) && list.length > 1) throw new CliError(`${file}: a list of ${list.length} devices; save the one the sign-in presented`);
  const parsed = GraphDeviceSchema.safeParse(Array.isArray(list) ? list[0] : json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${file}: not a Graph device object (${issue?.path.join(".") || "root"}: ${issue?.message})`);
  }
  return directoryObjectFromGraph(parsed.data);
}

/**
 * The object is the presented device's or the report's machine's; another device's object would make the findings
 * about the wrong machine, so a single sign-in refuses it (a page uses it only for the sign-ins it belongs to).
 */
function deviceFor(
  signIn: GraphSignIn,
  report: ParsedDsregcmd | null,
  device: { object: DirectoryObject | null; file: string },
  strict: boolean,
): DirectoryObject | null | undefined {
  const presented = signIn.deviceDetail?.deviceId?.trim().toLowerCase() || null;
  const own = report?.deviceId?.toLowerCase() ?? null;
  const object = device.object;
  if (object === null) {
    if (presented || own) return null;
    if (strict) throw new CliError(`${device.file}: "no such device", but the sign-in presented no device and no report names one`);
    return undefined;
  }
  const id = object.deviceId?.toLowerCase() ?? null;
  if (id && (id === presented || id === own)) return object;
  if (strict) {
    throw new CliError(
      `${device.file}: this is the object of device ${object.deviceId ?? "(no deviceId)"}${object.displayName ? ` (${object.displayName})` : ""}, but the sign-in presented ${presented ?? "no device"}${own ? ` and the report is device ${own}` : ""}. Save the presented device's object: GET /v1.0/devices?$filter=deviceId eq '${presented ?? own ?? "…"}'`,
    );
  }
  return undefined;
}

function formatSignInText({ signIn, findings }: Output): string {
  const header = [
    `Sign-in ${signIn.id}`,
    formatTime(Date.parse(signIn.createdDateTime)),
    signIn.userPrincipalName ?? "(no user)",
    signIn.appDisplayName ?? "(no app)",
    signIn.errorCode === 0 ? "succeeded" : `error ${signIn.errorCode}`,
    `device ${signIn.deviceId ?? "not presented"}`,
  ].join(" · ");
  const body =
    findings.length > 0
      ? formatFindingsText(findings)
      : signIn.errorCode === 0
        ? "No findings: the sign-in succeeded.\n"
        : "No findings: the sign-in was not blocked for its device (no device error code, no failed device policy).\n";
  return `${header}\n\n${body}`;
}
