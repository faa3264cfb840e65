/**
 * The Findings table's state, kept in the URL query string (shareable, survives reload) and reused by the
 * CSV export so "Export CSV" downloads exactly the filtered list. Parsed with zod; a bad value falls back
 * to its default instead of failing the page.
 */
import { z } from "zod";
import type { Severity } from "@/lib/rules/types";
import { SEVERITIES } from "@/lib/display/severity";
import { pageSizeParam } from "./page-size";

export const FINDING_SORTS = ["severity", "rule", "device", "firstSeen", "lastSeen"] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];
export const FINDING_STATUSES = ["open", "resolved", "all"] as const;
export type FindingStatusFilter = (typeof FINDING_STATUSES)[number];
export const FINDINGS_PAGE_SIZE = 50;
/** "list": one row per finding; "causes": one row per rule, in the order to work through them (issue 17, item 3). */
export const FINDING_VIEWS = ["list", "causes"] as const;
export type FindingView = (typeof FINDING_VIEWS)[number];

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export const FindingListParamsSchema = z.object({
  status: z.preprocess(first, z.enum(FINDING_STATUSES)).catch("open"),
  severity: z.preprocess(first, z.enum(SEVERITIES as [Severity, ...Severity[]]).nullable()).catch(null),
  rule: z
    .preprocess(
      first,
      z
        .string()
        .regex(/^[a-z0-9-]{1,64}$/)
        .nullable(),
    )
    .catch(null),
  q: z.preprocess(first, z.string().trim().max(200)).catch(""),
  ack: z.preprocess(first, z.enum(["yes", "no"]).nullable()).catch(null),
  /** "only": primary causes only, i.e. without the findings another finding of the same device explains. */
  primary: z.preprocess(first, z.enum(["only"]).nullable()).catch(null),
  sort: z.preprocess(first, z.enum(FINDING_SORTS)).catch("severity"),
  dir: z.preprocess(first, z.enum(["asc", "desc"])).catch("asc"),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)).catch(1),
  view: z.preprocess(first, z.enum(FINDING_VIEWS)).catch("list"),
  /** Rows per page (lib/url-params/page-size.ts). */
  size: pageSizeParam(FINDINGS_PAGE_SIZE),
});

export type FindingListParams = z.infer<typeof FindingListParamsSchema>;

export const DEFAULT_FINDING_LIST_PARAMS: FindingListParams = {
  status: "open",
  severity: null,
  rule: null,
  q: "",
  ack: null,
  primary: null,
  sort: "severity",
  dir: "asc",
  page: 1,
  view: "list",
  size: FINDINGS_PAGE_SIZE,
};

export function parseFindingListParams(searchParams: Record<string, string | string[] | undefined>): FindingListParams {
  return FindingListParamsSchema.parse(searchParams);
}

/** The filters alone (no sort or page) as a query string: the export link carries them. */
export function findingFilterQuery(params: FindingListParams): URLSearchParams {
  const qs = new URLSearchParams();
  if (params.status !== DEFAULT_FINDING_LIST_PARAMS.status) qs.set("status", params.status);
  if (params.severity) qs.set("severity", params.severity);
  if (params.rule) qs.set("rule", params.rule);
  if (params.q) qs.set("q", params.q);
  if (params.ack) qs.set("ack", params.ack);
  if (params.primary) qs.set("primary", params.primary);
  return qs;
}

/** The URL for the same table with some state changed; defaults are left out to keep links short. */
export function findingListHref(params: FindingListParams, change: Partial<FindingListParams> = {}): string {
  const next = { ...params, ...change };
  const qs = findingFilterQuery(next);
  if (next.sort !== DEFAULT_FINDING_LIST_PARAMS.sort) qs.set("sort", next.sort);
  if (next.dir !== DEFAULT_FINDING_LIST_PARAMS.dir) qs.set("dir", next.dir);
  if (next.size !== FINDINGS_PAGE_SIZE) qs.set("size", String(next.size));
  if (next.page > 1) qs.set("page", String(next.page));
  if (next.view !== DEFAULT_FINDING_LIST_PARAMS.view) qs.set("view", next.view);
  const s = qs.toString();
  return s ? `/findings?${s}` : "/findings";
}

/** First click: severity most severe first, text ascending, times newest first; second click flips it. */
export function findingSortHref(params: FindingListParams, sort: FindingSort): string {
  const defaultDir = sort === "firstSeen" || sort === "lastSeen" ? "desc" : "asc";
  const dir = params.sort === sort ? (params.dir === "asc" ? "desc" : "asc") : defaultDir;
  return findingListHref(params, { sort, dir, page: 1 });
}

export function isFindingListFiltered(params: FindingListParams): boolean {
  return findingFilterQuery(params).toString() !== "";
}
