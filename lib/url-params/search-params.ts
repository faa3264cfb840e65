import { z } from "zod";

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/** The header search's query string: `?q=` (200 characters at most; anything else is an empty search). */
export const SearchParamsSchema = z.object({ q: z.preprocess(first, z.string().trim().max(200)).catch("") });

export function parseSearchParams(searchParams: Record<string, string | string[] | undefined>): { q: string } {
  return SearchParamsSchema.parse(searchParams);
}

/** A user principal name in a URL (/users/jdoe%40contoso.com): lower-cased; null when it is not one. */
export const UserPrincipalName = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .regex(/^[^\s@\\,]+@[^\s@\\,]+\.[^\s@\\,]+$/);

export function userHref(upn: string): string {
  return `/users/${encodeURIComponent(upn)}`;
}
