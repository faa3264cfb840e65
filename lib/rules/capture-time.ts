import { toIsoTime } from "@/lib/reports/parse-dsregcmd";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import { findField, sourceLabel } from "@/lib/rules/report-fields";
import type { Evidence } from "@/lib/rules/types";

/** Where a report's capture time came from; "unknown" when nothing says when dsregcmd ran. */
export type CaptureTimeSource = "agent" | "admin" | "report-clock" | "unknown";

export interface CaptureTime {
  /** ISO 8601, or null when unknown. */
  at: string | null;
  source: CaptureTimeSource;
  evidence: Evidence | null;
}

/**
 * When dsregcmd ran, so that time-based rules judge a report against its own moment and not against today (an old
 * paste is not an expired PRT today). In order: a time the caller knows (the agent's `capturedAt`, the CLI's
 * `--captured-at`, the paste box's "Captured at"), then the report's own clock (`Client Time` in Diagnostic Data,
 * printed by dsregcmd since Windows 10 1803), else unknown. docs/domain.md, "When the report was captured".
 */
export function resolveCaptureTime(report: ParsedDsregcmd, given?: { at: string; source: "agent" | "admin" } | null): CaptureTime {
  if (given) {
    const ms = Date.parse(given.at);
    if (!Number.isNaN(ms)) {
      const at = new Date(ms).toISOString();
      const evidence: Evidence =
        given.source === "agent"
          ? { source: "JoinScope agent", field: "capturedAt", value: at }
          : { source: "Entered by the admin", field: "Captured at", value: at };
      return { at, source: given.source, evidence };
    }
  }
  const clock = findField(report, "Client Time", "Diagnostic Data");
  const at = clock ? toIsoTime(clock.value) : null;
  if (clock && at) {
    return { at, source: "report-clock", evidence: { source: sourceLabel("user", clock.section), field: clock.key, value: clock.value } };
  }
  return { at: null, source: "unknown", evidence: null };
}

/** The evidence line for the capture time a rule judged against: where it came from, else the agent's upload. */
export function captureTimeEvidence(capturedAt: string | null, evidence: Evidence | null | undefined): Evidence {
  return evidence ?? { source: "JoinScope agent", field: "capturedAt", value: capturedAt };
}
