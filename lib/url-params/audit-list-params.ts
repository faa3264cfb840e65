/**
 * The Audit page's state in the URL (issue 20 item 6): who (the start of the actor's email or name as recorded),
 * what (a kind, lib/audit/audit-categories.ts), which tenant (its JoinScope id), the period (from/to, UTC days,
 * inclusive), page and rows per page. Parsed with zod; a bad value falls back to its default, as on the other lists.
 */
import { z } from "zod";
import { AUDIT_CATEGORY_KEYS } from "@/lib/audit/audit-categories";
import { pageSizeParam } from "./page-size";

export const AUDIT_PAGE_SIZE = 50;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const day = z
  .preprocess(
    first,
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)))
      .nullable(),
  )
  .catch(null);

export const AuditListParamsSchema = z.object({
  who: z.preprocess(first, z.string().trim().toLowerCase().max(320)).catch(""),
  what: z.preprocess(first, z.enum(AUDIT_CATEGORY_KEYS).nullable()).catch(null),
  tenant: z.preprocess(first, z.string().uuid().nullable()).catch(null),
  from: day,
  to: day,
  page: z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)).catch(1),
  size: pageSizeParam(AUDIT_PAGE_SIZE),
});

export type AuditListParams = z.infer<typeof AuditListParamsSchema>;

export const DEFAULT_AUDIT_LIST_PARAMS: AuditListParams = { who: "", what: null, tenant: null, from: null, to: null, page: 1, size: AUDIT_PAGE_SIZE };

export function parseAuditListParams(searchParams: Record<string, string | string[] | undefined>): AuditListParams {
  return AuditListParamsSchema.parse(searchParams);
}

/** The filters as a query string (no paging): the list's links and its export's. */
export function auditFilterQuery(params: AuditListParams): URLSearchParams {
  const qs = new URLSearchParams();
  if (params.who) qs.set("who", params.who);
  if (params.what) qs.set("what", params.what);
  if (params.tenant) qs.set("tenant", params.tenant);
  if (params.from) qs.set("from", params.from);
  if (params.to) qs.set("to", params.to);
  return qs;
}

/** The URL of the same list with some state changed; defaults are left out. */
export function auditListHref(params: AuditListParams, change: Partial<AuditListParams> = {}): string {
  const next = { ...params, ...change };
  const qs = auditFilterQuery(next);
  if (next.size !== AUDIT_PAGE_SIZE) qs.set("size", String(next.size));
  if (next.page > 1) qs.set("page", String(next.page));
  const s = qs.toString();
  return s ? `/audit?${s}` : "/audit";
}
