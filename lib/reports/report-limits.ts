/**
 * How big one `dsregcmd /status` capture may be, in lines, fields and sections. The largest real capture in
 * lib/reports/fixtures (win11-24h2-hybrid-full.txt, Windows 11 24H2 with every optional section) has 142 lines,
 * 87 fields and 10 sections; each limit is about ten times that. Anything larger is not one capture, and without
 * a limit it is stored and rendered whole: megabytes stored and tens of megabytes of HTML for one report
 * (bench/RESULTS.md, "Figures behind choices in the code").
 */
export const REPORT_LIMITS = { maxLines: 1_500, maxFields: 1_000, maxSections: 100 } as const;

export type ReportLimitCode = "too-many-lines" | "too-many-fields" | "too-many-sections";

export interface ReportLimitError {
  code: ReportLimitCode;
  message: string;
  limit: number;
}

/**
 * The "too-many-lines" error when `text` has more than `maxLines` lines, else null. Counts LF, CRLF and lone CR as
 * the parser does, in one walk over the characters with no allocation, and stops counting at the limit: cheap enough to run
 * before any per-line work (redaction, parsing).
 */
export function checkLineCount(text: string, maxLines: number = REPORT_LIMITS.maxLines): ReportLimitError | null {
  let lines = 1;
  for (let i = nextBreak(text, 0); i !== -1; i = nextBreak(text, i + 1)) {
    // CRLF (and CR CR LF) are one break: count the LF, skip the CRs before it.
    if (text.charCodeAt(i) === 0x0d && (text.charCodeAt(i + 1) === 0x0a || (text.charCodeAt(i + 1) === 0x0d && text.charCodeAt(i + 2) === 0x0a))) continue;
    if (++lines > maxLines) return tooMany("too-many-lines", "lines", maxLines);
  }
  return null;
}

export function tooMany(code: ReportLimitCode, what: string, limit: number): ReportLimitError {
  return {
    code,
    message: `The report has more than ${limit.toLocaleString("en-US")} ${what}; a dsregcmd /status capture has a few hundred at most. Upload the output of a single run.`,
    limit,
  };
}

function nextBreak(text: string, from: number): number {
  // Two indexOf calls per break would rescan; one pass with charCodeAt is as fast and simpler to bound.
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return i;
  }
  return -1;
}
