/**
 * The rows a list page shows, chosen from a short menu (`size` in the URL). A value not on the menu is the page's
 * default, so a hand-edited URL can never ask for an unbounded page.
 */
import { z } from "zod";

export const PAGE_SIZES: readonly number[] = [25, 50, 100, 200];

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/** The `size` parameter: one of `sizes`, else `fallback`. */
export function pageSizeParam(fallback: number, sizes: readonly number[] = PAGE_SIZES) {
  return z
    .preprocess(first, z.coerce.number().int())
    .refine((n) => sizes.includes(n))
    .catch(fallback);
}
