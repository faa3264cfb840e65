/**
 * The Reports table's state, kept in the URL query string (shareable, survives reload). Parsed with zod;
 * any bad value quietly falls back to its default instead of failing the page.
 */
import { z } from "zod";
import { JOIN_TYPES } from "@/lib/display/join-type";
import { pageSizeParam } from "./page-size";

export const REPORT_SORTS = ["captured", "received", "hostname", "join"] as const;
export type ReportSort = (typeof REPORT_SORTS)[number];
export const REPORTS_PAGE_SIZE = 50;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export const ReportListParamsSchema = z.object({
  q: z.preprocess(first, z.string().trim().max(200)).catch(""),
  join: z.preprocess(first, z.enum(JOIN_TYPES as [string, ...string[]]).nullable()).catch(null),
  problems: z
    .preprocess(
      first,
      z.literal("1").transform(() => true),
    )
    .catch(false),
  sort: z.preprocess(first, z.enum(REPORT_SORTS)).catch("captured"),
  dir: z.preprocess(first, z.enum(["asc", "desc"])).catch("desc"),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)).catch(1),
  /** Rows per page (lib/url-params/page-size.ts). */
  size: pageSizeParam(REPORTS_PAGE_SIZE),
});

export type ReportListParams = z.infer<typeof ReportListParamsSchema>;

export const DEFAULT_REPORT_LIST_PARAMS: ReportListParams = {
  q: "",
  join: null,
  problems: false,
  sort: "captured",
  dir: "desc",
  page: 1,
  size: REPORTS_PAGE_SIZE,
};

export function parseReportListParams(searchParams: Record<string, string | string[] | undefined>): ReportListParams {
  return ReportListParamsSchema.parse(searchParams);
}

/** The URL for the same table with some state changed; defaults are left out to keep links short. */
export function reportListHref(params: ReportListParams, change: Partial<ReportListParams> = {}): string {
  const next = { ...params, ...change };
  const qs = new URLSearchParams();
  if (next.q) qs.set("q", next.q);
  if (next.join) qs.set("join", next.join);
  if (next.problems) qs.set("problems", "1");
  if (next.sort !== DEFAULT_REPORT_LIST_PARAMS.sort) qs.set("sort", next.sort);
  if (next.dir !== DEFAULT_REPORT_LIST_PARAMS.dir) qs.set("dir", next.dir);
  if (next.size !== REPORTS_PAGE_SIZE) qs.set("size", String(next.size));
  if (next.page > 1) qs.set("page", String(next.page));
  const s = qs.toString();
  return s ? `/reports?${s}` : "/reports";
}

/** Clicking a column header: first click sorts it (text ascending, times newest first), second click flips it. */
export function sortHref(params: ReportListParams, sort: ReportSort): string {
  const defaultDir = sort === "hostname" || sort === "join" ? "asc" : "desc";
  const dir = params.sort === sort ? (params.dir === "asc" ? "desc" : "asc") : defaultDir;
  return reportListHref(params, { sort, dir, page: 1 });
}
