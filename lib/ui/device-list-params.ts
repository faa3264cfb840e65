/**
 * The Devices table's state, kept in the URL query string. Parsed with zod; a bad value falls back to its
 * default instead of failing the page.
 */
import { z } from "zod";

export const DEVICE_SORTS = ["name", "severity", "open", "lastReport"] as const;
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
export const DEVICES_PAGE_SIZE = 50;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
/** A summary row key: "o:" + an object id, "d:" + a registration id, "h:" + a host name. */
const CURSOR = /^[odh]:[^\u0000-\u001f]{1,300}$/;

export const DeviceListParamsSchema = z.object({
  q: z.preprocess(first, z.string().trim().max(200)).catch(""),
  problems: z.preprocess(first, z.literal("1").transform(() => true)).catch(false),
  trust: z.preprocess(first, z.enum(DEVICE_TRUST_TYPES).nullable()).catch(null),
  state: z.preprocess(first, z.enum(DEVICE_STATES).nullable()).catch(null),
  sort: z.preprocess(first, z.enum(DEVICE_SORTS)).catch("severity"),
  dir: z.preprocess(first, z.enum(["asc", "desc"])).catch("asc"),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)).catch(1),
  /** The row the page follows (Next) or precedes (Previous): a DeviceSummary rowKey, the keyset cursor. */
  after: z.preprocess(first, z.string().regex(CURSOR).nullable()).catch(null),
  before: z.preprocess(first, z.string().regex(CURSOR).nullable()).catch(null),
});

export type DeviceListParams = z.infer<typeof DeviceListParamsSchema>;

export const DEFAULT_DEVICE_LIST_PARAMS: DeviceListParams = { q: "", problems: false, trust: null, state: null, sort: "severity", dir: "asc", page: 1, after: null, before: null };

export function parseDeviceListParams(searchParams: Record<string, string | string[] | undefined>): DeviceListParams {
  return DeviceListParamsSchema.parse(searchParams);
}

/** The list's URL with `change` applied. A cursor is kept only when `change` gives one: any other change starts over. */
export function deviceListHref(params: DeviceListParams, change: Partial<DeviceListParams> = {}): string {
  const next = { ...params, after: null, before: null, ...change };
  const qs = new URLSearchParams();
  if (next.q) qs.set("q", next.q);
  if (next.problems) qs.set("problems", "1");
  if (next.trust) qs.set("trust", next.trust);
  if (next.state) qs.set("state", next.state);
  if (next.sort !== DEFAULT_DEVICE_LIST_PARAMS.sort) qs.set("sort", next.sort);
  if (next.dir !== DEFAULT_DEVICE_LIST_PARAMS.dir) qs.set("dir", next.dir);
  if (next.page > 1) qs.set("page", String(next.page));
  if (next.page > 1 && next.after) qs.set("after", next.after);
  else if (next.page > 1 && next.before) qs.set("before", next.before);
  const s = qs.toString();
  return s ? `/devices?${s}` : "/devices";
}

/** First click: name A→Z, severity most severe first, counts and times largest / newest first. */
export function deviceSortHref(params: DeviceListParams, sort: DeviceSort): string {
  const defaultDir = sort === "name" || sort === "severity" ? "asc" : "desc";
  const dir = params.sort === sort ? (params.dir === "asc" ? "desc" : "asc") : defaultDir;
  return deviceListHref(params, { sort, dir, page: 1 });
}
