import type { ColumnKind } from "@/lib/db/direct";

/**
 * A column map with some columns written as text: values the caller encoded already (a batch's one `now`, encoded
 * once by encodeValue "datetime"; JSON made for a fingerprint). insertStatements then passes them through as they are.
 */
export function preEncoded<M extends Readonly<Record<string, ColumnKind>>, K extends keyof M & string>(
  columns: M,
  names: readonly K[],
): { readonly [C in keyof M]: C extends K ? "text" : M[C] } {
  const out: Record<string, ColumnKind> = { ...columns };
  for (const n of names) out[n] = "text";
  return out as { readonly [C in keyof M]: C extends K ? "text" : M[C] };
}
