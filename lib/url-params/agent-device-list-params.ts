/**
 * The Agents page's enrolled-devices table state, kept in the URL query string. Parsed with zod; a bad value falls
 * back to its default instead of failing the page.
 */
import { z } from "zod";

export const AGENT_DEVICE_STATUSES = ["active", "rotation", "revoked"] as const;
export type AgentDeviceStatus = (typeof AGENT_DEVICE_STATUSES)[number];
export const AGENT_DEVICE_STATUS_LABEL: Record<AgentDeviceStatus, string> = {
  active: "Active",
  rotation: "Rotation requested",
  revoked: "Revoked",
};
export const AGENT_DEVICE_SORTS = ["hostname", "lastSeen", "enrolled"] as const;
export type AgentDeviceSort = (typeof AGENT_DEVICE_SORTS)[number];
export const AGENT_DEVICES_PAGE_SIZE = 50;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export const AgentDeviceListParamsSchema = z.object({
  q: z.preprocess(first, z.string().trim().max(255)).catch(""),
  status: z.preprocess(first, z.enum(AGENT_DEVICE_STATUSES).nullable()).catch(null),
  sort: z.preprocess(first, z.enum(AGENT_DEVICE_SORTS)).catch("hostname"),
  dir: z.preprocess(first, z.enum(["asc", "desc"])).catch("asc"),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)).catch(1),
});

export type AgentDeviceListParams = z.infer<typeof AgentDeviceListParamsSchema>;

export const DEFAULT_AGENT_DEVICE_LIST_PARAMS: AgentDeviceListParams = { q: "", status: null, sort: "hostname", dir: "asc", page: 1 };

export function parseAgentDeviceListParams(searchParams: Record<string, string | string[] | undefined>): AgentDeviceListParams {
  return AgentDeviceListParamsSchema.parse(searchParams);
}

export function agentDeviceListHref(params: AgentDeviceListParams, change: Partial<AgentDeviceListParams> = {}): string {
  const next = { ...params, ...change };
  const qs = new URLSearchParams();
  if (next.q) qs.set("q", next.q);
  if (next.status) qs.set("status", next.status);
  if (next.sort !== DEFAULT_AGENT_DEVICE_LIST_PARAMS.sort) qs.set("sort", next.sort);
  if (next.dir !== DEFAULT_AGENT_DEVICE_LIST_PARAMS.dir) qs.set("dir", next.dir);
  if (next.page > 1) qs.set("page", String(next.page));
  const s = qs.toString();
  return s ? `/agents?${s}#enrolled-devices` : "/agents#enrolled-devices";
}

/** First click: hostname A→Z, times newest first. */
export function agentDeviceSortHref(params: AgentDeviceListParams, sort: AgentDeviceSort): string {
  const defaultDir = sort === "hostname" ? "asc" : "desc";
  const dir = params.sort === sort ? (params.dir === "asc" ? "desc" : "asc") : defaultDir;
  return agentDeviceListHref(params, { sort, dir, page: 1 });
}
