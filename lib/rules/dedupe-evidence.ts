import type { Evidence } from "@/lib/rules/types";

/** Drops repeated evidence lines (same source, field and value), keeping the first. */
export function dedupeEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((item) => {
    const key = [item.source, item.field, item.value ?? "", item.expected ?? ""].join("\u0000");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
