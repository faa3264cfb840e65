/**
 * How much of a stored report the report page renders. New uploads are bounded (lib/reports/report-limits.ts), but a
 * report stored before those limits may hold 100,000 fields: rendered whole, that is tens of megabytes of HTML and
 * seconds of the server's time (bench/RESULTS.md, "Figures behind choices in the code"). The page shows this much
 * and links to the raw text for the rest.
 */
import type { DsregSection } from "@/lib/reports/types";

export const DISPLAY_LIMITS = { maxSections: 30, maxFieldsPerSection: 150, maxFields: 600, maxValueChars: 2_000, maxRawChars: 64 * 1024 } as const;

export interface DisplayedSection extends DsregSection {
  /** Fields of this section not shown. */
  hiddenFields: number;
}

export interface DisplayedSections {
  sections: DisplayedSection[];
  /** Sections not shown at all. */
  hiddenSections: number;
  /** True when anything (a section, a field, the end of a value) was left out. */
  truncated: boolean;
}

/** The sections as the page shows them: at most so many sections, fields and characters per value. */
export function limitSectionsForDisplay(sections: DsregSection[], limits = DISPLAY_LIMITS): DisplayedSections {
  let budget = limits.maxFields;
  let truncated = sections.length > limits.maxSections;
  const shown: DisplayedSection[] = [];
  for (const section of sections.slice(0, limits.maxSections)) {
    const take = Math.min(section.fields.length, limits.maxFieldsPerSection, budget);
    budget -= take;
    const fields = section.fields.slice(0, take).map((f) => {
      if (f.value.length <= limits.maxValueChars) return f;
      truncated = true;
      return {
        key: f.key,
        value: `${f.value.slice(0, limits.maxValueChars)}… (${(f.value.length - limits.maxValueChars).toLocaleString("en-US")} more characters)`,
      };
    });
    if (take < section.fields.length) truncated = true;
    shown.push({ name: section.name, fields, hiddenFields: section.fields.length - take });
  }
  return { sections: shown, hiddenSections: Math.max(0, sections.length - limits.maxSections), truncated };
}

/** The start of a raw capture for the page's <pre>, and how many characters were left out. */
export function limitRawTextForDisplay(text: string, maxChars: number = DISPLAY_LIMITS.maxRawChars): { text: string; hiddenChars: number } {
  if (text.length <= maxChars) return { text, hiddenChars: 0 };
  // Cut at a line break near the limit, so the preview does not end mid-line (or mid surrogate pair).
  const cut = text.lastIndexOf("\n", maxChars - 1) + 1;
  const end = cut > maxChars / 2 ? cut : maxChars;
  return { text: text.slice(0, end), hiddenChars: text.length - end };
}
