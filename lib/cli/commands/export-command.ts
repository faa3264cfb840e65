import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import { EXPORT_FORMATS, type ExportFormat } from "@/lib/export/export-format";
import { DEFAULT_DEVICE_LIST_PARAMS, DeviceListParamsSchema } from "@/lib/url-params/device-list-params";
import { DEFAULT_FINDING_LIST_PARAMS, FindingListParamsSchema } from "@/lib/url-params/finding-list-params";
import { CliError } from "../cli-error";
import { findTenantRef } from "../find-tenant-ref";

export const EXPORT_USAGE =
  "joinscope export --what devices|findings|change-board --format csv|xlsx|jsonl [--tenant GUID|NAME] [filters] [--subject KEY]… [--output FILE]\n" +
  "    filters: the list's URL parameters, as --q TEXT --state S --trust T --problems --status S --severity S --rule R --ack yes|no --primary only --sort S --dir asc|desc, or --filter NAME=VALUE for any";

const LISTS = {
  devices: { schema: DeviceListParamsSchema, defaults: DEFAULT_DEVICE_LIST_PARAMS as Record<string, unknown> },
  findings: { schema: FindingListParamsSchema, defaults: DEFAULT_FINDING_LIST_PARAMS as Record<string, unknown> },
  /** One row per broken device, for a change board: the Devices list's filters. */
  "change-board": { schema: DeviceListParamsSchema, defaults: DEFAULT_DEVICE_LIST_PARAMS as Record<string, unknown> },
} as const;
/** Parameters of the lists that are not filters: paging. */
const NOT_FILTERS = new Set(["page", "after", "before"]);
const SHORTHANDS = ["q", "state", "trust", "status", "severity", "rule", "ack", "primary", "outlook", "cause", "sort", "dir"] as const;

const usage = (message: string) => new CliError(`${message}\nusage: ${EXPORT_USAGE}`, 2);

/**
 * `joinscope export`: the Devices or Findings list of a tenant (or the change board's one row per broken device), filtered as on its page, streamed to a file or to
 * standard output in the API's formats, with a progress bar on stderr when stderr is a terminal.
 */
export async function runExportCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      what: { type: "string" },
      format: { type: "string", default: "csv" },
      tenant: { type: "string" },
      output: { type: "string", short: "o" },
      subject: { type: "string", multiple: true },
      filter: { type: "string", multiple: true },
      problems: { type: "boolean" },
      ...Object.fromEntries(SHORTHANDS.map((name) => [name, { type: "string" as const }])),
    },
  });
  const what = values.what;
  if (what !== "devices" && what !== "findings" && what !== "change-board") throw usage("--what is devices, findings or change-board");
  const format = values.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw usage(`--format is one of ${EXPORT_FORMATS.join(", ")}`);
  if (format === "xlsx" && !values.output && process.stdout.isTTY) throw usage("an XLSX file is binary: give --output FILE or redirect standard output");

  const list = LISTS[what];
  const given: Record<string, string> = {};
  for (const name of SHORTHANDS) {
    const value = (values as Record<string, unknown>)[name];
    if (typeof value === "string") given[name] = value;
  }
  if (values.problems) given.problems = "1";
  for (const pair of values.filter ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw usage(`--filter takes NAME=VALUE, not "${pair}"`);
    given[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const shape = list.schema.shape as Record<string, unknown>;
  for (const [name, value] of Object.entries(given)) {
    if (!Object.hasOwn(shape, name) || NOT_FILTERS.has(name)) throw usage(`${what} have no filter "${name}"`);
    // The list's schema falls back to the default on a bad value (a page must not fail on an old link); here it is an error.
    const parsed = (list.schema.parse({ [name]: value }) as Record<string, unknown>)[name];
    if (parsed === list.defaults[name] && String(list.defaults[name]) !== value) throw usage(`"${value}" is not a value of ${name}`);
  }
  const subjects = values.subject ?? [];
  if (subjects.some((s) => !/^[odh]:[^\u0000-\u001f]{1,300}$/.test(s))) throw usage("--subject is a row's key: d:<deviceId>, o:<objectId> or h:<hostname>");

  const { db } = await import("@/lib/db/client");
  const tenantRef = await findTenantRef(db, values.tenant);
  const { directDb } = await import("@/lib/db/direct");
  let source;
  if (what === "devices") {
    const { createDeviceExportSource } = await import("@/lib/export/device-export-source");
    source = createDeviceExportSource(directDb(), { tenantRef, params: DeviceListParamsSchema.parse(given), subjects });
  } else if (what === "change-board") {
    const { directDb } = await import("@/lib/db/direct");
    const { createChangeBoardExportSource } = await import("@/lib/export/change-board-export-source");
    source = createChangeBoardExportSource(directDb(), { tenantRef, params: DeviceListParamsSchema.parse(given), subjects });
  } else {
    const { createFindingExportSource } = await import("@/lib/export/finding-export-source");
    source = createFindingExportSource(directDb(), { tenantRef, params: FindingListParamsSchema.parse(given), subjects });
  }
  const { writeExport } = await import("@/lib/export/stream-export");
  // Audit-logged as the dashboard's exports are (issue 20 item 6); the command line's actor is "cli".
  const { recordExport } = await import("@/lib/audit/record-export");
  await recordExport(db, { actor: "cli", what, tenantRef, format, filters: { ...given, subject: subjects } });

  const target = values.output ? createWriteStream(values.output) : process.stdout;
  let bar: import("cli-progress").SingleBar | null = null;
  let total = 0;
  if (process.stderr.isTTY) {
    const { SingleBar, Presets } = await import("cli-progress");
    bar = new SingleBar(
      { stream: process.stderr, format: `${what} [{bar}] {percentage}% | {value}/{total} rows | {duration_formatted}`, hideCursor: true },
      Presets.shades_classic,
    );
    total = await source.count();
    bar.start(total, 0);
  }
  try {
    await writeExport(source, format, target, { onRows: (rows) => bar?.update(Math.min(rows, total)) });
  } finally {
    bar?.stop();
  }
  if (values.output) {
    target.end();
    await finished(target);
  }
}
