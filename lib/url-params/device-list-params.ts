/**
 * The Devices table's state, kept in the URL query string: filters, search, sort, page (with its keyset cursor) and
 * the columns shown. Parsed with zod; a bad value falls back to its default instead of failing the page.
 */
import { z } from "zod";
import type { JoinType } from "@/lib/reports/types";
import type { Severity } from "@/lib/rules/types";
import { pageSizeParam } from "./page-size";

/**
 * Every sort of the Devices list, one per column (lib/queries/find-devices.ts reads each through an index in its order,
 * migrations 20261208090000 and 20261208130000).
 */
export const DEVICE_SORTS = [
  "name",
  "severity",
  "open",
  "lastReport",
  "deviceId",
  "objectId",
  "trust",
  "join",
  "os",
  "osVersion",
  "sync",
  "lastSignIn",
  "pendingSince",
  "primaryRule",
  "state",
] as const;
export type DeviceSort = (typeof DEVICE_SORTS)[number];
/** Entra ID trustType values, plus "none" for hosts that only ever sent reports. */
export const DEVICE_TRUST_TYPES = ["AzureAd", "ServerAd", "Workplace", "none"] as const;
export const DEVICE_TRUST_LABEL: Record<(typeof DEVICE_TRUST_TYPES)[number], string> = {
  AzureAd: "Entra joined (AzureAd)",
  ServerAd: "Hybrid joined (ServerAd)",
  Workplace: "Registered (Workplace)",
  none: "No directory object",
};
export const DEVICE_STATES = ["live", "deleted", "pending", "disabled", "report-only"] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];
export const DEVICE_STATE_LABEL: Record<DeviceState, string> = {
  live: "Live",
  deleted: "Deleted",
  pending: "Pending",
  disabled: "Disabled",
  "report-only": "Not in directory",
};
/** The latest report's join type (lib/display/join-type.ts), plus "unknown" for devices that never reported. */
export const DEVICE_JOIN_TYPES = ["hybrid", "entra", "registered", "domain", "none", "unknown"] as const satisfies readonly (JoinType | "unknown")[];
export type DeviceJoinFilter = (typeof DEVICE_JOIN_TYPES)[number];
/** The worst open finding's severity, plus "none" for devices without an open finding. */
export const DEVICE_SEVERITY_FILTERS = ["critical", "high", "medium", "low", "info", "none"] as const satisfies readonly (Severity | "none")[];
export type DeviceSeverityFilter = (typeof DEVICE_SEVERITY_FILTERS)[number];
/** onPremisesSyncEnabled: true (synced from AD by Entra Connect), false (was synced, no longer), null (cloud only or no object). */
export const DEVICE_SYNC_FILTERS = ["yes", "no", "unknown"] as const;
export type DeviceSyncFilter = (typeof DEVICE_SYNC_FILTERS)[number];

/** The table's columns: the device's name always shows; the others can be hidden with the column chooser. */
export const DEVICE_COLUMNS = [
  "deviceId",
  "objectId",
  "trust",
  "join",
  "os",
  "osVersion",
  "sync",
  "severity",
  "open",
  "primaryRule",
  "lastReport",
  "lastSignIn",
  "pendingSince",
  "state",
] as const;
export type DeviceColumn = (typeof DEVICE_COLUMNS)[number];
export const DEVICE_COLUMN_LABEL: Record<DeviceColumn, string> = {
  deviceId: "DeviceId",
  objectId: "ObjectId",
  trust: "Trust type",
  join: "Join type (report)",
  os: "OS",
  osVersion: "OS version",
  sync: "Synced from AD",
  severity: "Worst open finding",
  open: "Open",
  primaryRule: "Primary finding",
  lastReport: "Last report",
  lastSignIn: "Last sign-in",
  pendingSince: "Pending since",
  state: "Directory state",
};
/** The sort each column's header applies. */
export const DEVICE_COLUMN_SORT: Record<DeviceColumn, DeviceSort> = {
  deviceId: "deviceId",
  objectId: "objectId",
  trust: "trust",
  join: "join",
  os: "os",
  osVersion: "osVersion",
  sync: "sync",
  severity: "severity",
  open: "open",
  primaryRule: "primaryRule",
  lastReport: "lastReport",
  lastSignIn: "lastSignIn",
  pendingSince: "pendingSince",
  state: "state",
};
export const DEFAULT_DEVICE_COLUMNS: readonly DeviceColumn[] = ["deviceId", "trust", "join", "os", "severity", "open", "lastReport", "state"];

export const DEVICES_PAGE_SIZE = 50;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const blankAsNull = (v: unknown) => {
  const f = first(v);
  return typeof f === "string" && f.trim() === "" ? null : f;
};
/** A summary row key: "o:" + an object id, "d:" + a registration id, "h:" + a host name. */
const CURSOR = /^[odh]:[^\u0000-\u001f]{1,300}$/;
/** Days for the age filters: a whole number from 1 to ten years; anything else is no filter. */
const days = z.preprocess(blankAsNull, z.coerce.number().int().min(1).max(3650).nullable()).catch(null);

/**
 * The shown columns: `cols` as one comma-separated value (the links) or repeated (the chooser's checkboxes), unknown
 * names dropped, in the table's order; none known (or none given) is the default set. `cols=-` shows only the name.
 */
const columns = z
  .unknown()
  .transform((v): readonly DeviceColumn[] => {
    const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string").flatMap((x) => x.split(","));
    if (values.length === 0) return DEFAULT_DEVICE_COLUMNS;
    if (values.length === 1 && values[0] === "-") return [];
    const wanted = new Set(values.map((x) => x.trim()));
    const known = DEVICE_COLUMNS.filter((c) => wanted.has(c));
    return known.length ? known : DEFAULT_DEVICE_COLUMNS;
  })
  .catch(DEFAULT_DEVICE_COLUMNS);

export const DeviceListParamsSchema = z.object({
  q: z.preprocess(first, z.string().trim().max(200)).catch(""),
  problems: z
    .preprocess(
      first,
      z.literal("1").transform(() => true),
    )
    .catch(false),
  trust: z.preprocess(blankAsNull, z.enum(DEVICE_TRUST_TYPES).nullable()).catch(null),
  state: z.preprocess(blankAsNull, z.enum(DEVICE_STATES).nullable()).catch(null),
  /** A device with an open finding of this rule (rule ids are kebab-case, lib/rules). */
  rule: z
    .preprocess(
      blankAsNull,
      z
        .string()
        .regex(/^[a-z0-9-]{1,64}$/)
        .nullable(),
    )
    .catch(null),
  severity: z.preprocess(blankAsNull, z.enum(DEVICE_SEVERITY_FILTERS).nullable()).catch(null),
  join: z.preprocess(blankAsNull, z.enum(DEVICE_JOIN_TYPES).nullable()).catch(null),
  /** operatingSystem, exactly (Graph's value: "Windows", "iOS", …). */
  os: z.preprocess(blankAsNull, z.string().trim().min(1).max(100).nullable()).catch(null),
  /** The start of operatingSystemVersion ("10.0.22631" matches every build of 23H2). */
  osVersion: z
    .preprocess(
      blankAsNull,
      z
        .string()
        .trim()
        .min(1)
        .max(50)
        .regex(/^[0-9A-Za-z.()\- ]+$/)
        .nullable(),
    )
    .catch(null),
  sync: z.preprocess(blankAsNull, z.enum(DEVICE_SYNC_FILTERS).nullable()).catch(null),
  /** Pending (registration not completed) for longer than this many days. */
  pendingDays: days,
  /** No report in this many days (including devices that never reported). */
  silentDays: days,
  /** Stale by Entra's definition: approximateLastSignInDateTime older than the tenant's stale threshold. */
  stale: z
    .preprocess(
      first,
      z.literal("1").transform(() => true),
    )
    .catch(false),
  sort: z.preprocess(first, z.enum(DEVICE_SORTS)).catch("severity"),
  dir: z.preprocess(first, z.enum(["asc", "desc"])).catch("asc"),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)).catch(1),
  /** The row the page follows (Next) or precedes (Previous): a DeviceSummary rowKey, the keyset cursor. */
  after: z.preprocess(first, z.string().regex(CURSOR).nullable()).catch(null),
  before: z.preprocess(first, z.string().regex(CURSOR).nullable()).catch(null),
  cols: columns,
  /** Rows per page (lib/url-params/page-size.ts). */
  size: pageSizeParam(DEVICES_PAGE_SIZE),
});

export type DeviceListParams = z.infer<typeof DeviceListParamsSchema>;

export const DEFAULT_DEVICE_LIST_PARAMS: DeviceListParams = {
  q: "",
  problems: false,
  trust: null,
  state: null,
  rule: null,
  severity: null,
  join: null,
  os: null,
  osVersion: null,
  sync: null,
  pendingDays: null,
  silentDays: null,
  stale: false,
  sort: "severity",
  dir: "asc",
  page: 1,
  after: null,
  before: null,
  cols: DEFAULT_DEVICE_COLUMNS,
  size: DEVICES_PAGE_SIZE,
};

export function parseDeviceListParams(searchParams: Record<string, string | string[] | undefined>): DeviceListParams {
  return DeviceListParamsSchema.parse(searchParams);
}

/** Whether any filter or the search narrows the list. */
export function isDeviceListFiltered(params: DeviceListParams): boolean {
  return (
    params.q !== "" ||
    params.problems ||
    params.trust !== null ||
    params.state !== null ||
    params.rule !== null ||
    params.severity !== null ||
    params.join !== null ||
    params.os !== null ||
    params.osVersion !== null ||
    params.sync !== null ||
    params.pendingDays !== null ||
    params.silentDays !== null ||
    params.stale
  );
}

/** The query string of the list's state (no "?"), with the cursor only on a page after the first. */
export function deviceListQuery(params: DeviceListParams): URLSearchParams {
  const qs = new URLSearchParams();
  if (params.q) qs.set("q", params.q);
  if (params.problems) qs.set("problems", "1");
  if (params.trust) qs.set("trust", params.trust);
  if (params.state) qs.set("state", params.state);
  if (params.rule) qs.set("rule", params.rule);
  if (params.severity) qs.set("severity", params.severity);
  if (params.join) qs.set("join", params.join);
  if (params.os) qs.set("os", params.os);
  if (params.osVersion) qs.set("osVersion", params.osVersion);
  if (params.sync) qs.set("sync", params.sync);
  if (params.pendingDays !== null) qs.set("pendingDays", String(params.pendingDays));
  if (params.silentDays !== null) qs.set("silentDays", String(params.silentDays));
  if (params.stale) qs.set("stale", "1");
  if (params.sort !== DEFAULT_DEVICE_LIST_PARAMS.sort) qs.set("sort", params.sort);
  if (params.dir !== DEFAULT_DEVICE_LIST_PARAMS.dir) qs.set("dir", params.dir);
  if (params.size !== DEVICES_PAGE_SIZE) qs.set("size", String(params.size));
  if (params.page > 1) qs.set("page", String(params.page));
  if (params.page > 1 && params.after) qs.set("after", params.after);
  else if (params.page > 1 && params.before) qs.set("before", params.before);
  const sameColumns = params.cols.length === DEFAULT_DEVICE_COLUMNS.length && params.cols.every((c, i) => c === DEFAULT_DEVICE_COLUMNS[i]);
  if (!sameColumns) qs.set("cols", params.cols.length ? params.cols.join(",") : "-");
  return qs;
}

/** The list's URL with `change` applied. A cursor is kept only when `change` gives one: any other change starts over. */
export function deviceListHref(params: DeviceListParams, change: Partial<DeviceListParams> = {}): string {
  const s = deviceListQuery({ ...params, after: null, before: null, ...change }).toString();
  return s ? `/devices?${s}` : "/devices";
}

/** First click: names, ids and text A→Z, severity most severe first, counts and times largest / newest first. */
export function deviceSortHref(params: DeviceListParams, sort: DeviceSort): string {
  const descFirst: readonly DeviceSort[] = ["open", "lastReport", "lastSignIn", "osVersion"];
  const defaultDir = descFirst.includes(sort) ? "desc" : "asc";
  const dir = params.sort === sort ? (params.dir === "asc" ? "desc" : "asc") : defaultDir;
  return deviceListHref(params, { sort, dir, page: 1 });
}
