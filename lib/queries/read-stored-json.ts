import type { ParsedDsregcmd } from "@/lib/reports/types";

/**
 * Stored `parsed` JSON was written by lib/reports at ingestion. Check the shape the pages rely on so a row
 * from an older parser version degrades to "no sections" instead of crashing the page.
 */
export function readStoredParsedReport(stored: unknown): ParsedDsregcmd | null {
  const json = parseStoredJson(stored);
  if (typeof json !== "object" || json === null) return null;
  const report = json as ParsedDsregcmd;
  if (!Array.isArray(report.sections)) return null;
  return {
    ...report,
    sections: report.sections
      .filter((s) => typeof s === "object" && s !== null && typeof s.name === "string" && Array.isArray(s.fields))
      .map((s) => ({ name: s.name, fields: s.fields.map((f) => ({ key: String(f.key ?? ""), value: String(f.value ?? "") })) })),
  };
}

/** Report JSON columns hold JSON text; older rows or callers may hand over the value itself. */
export function parseStoredJson(stored: unknown): unknown {
  if (typeof stored !== "string") return stored;
  try {
    return JSON.parse(stored);
  } catch {
    return null;
  }
}
