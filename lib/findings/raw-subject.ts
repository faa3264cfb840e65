import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { DeviceSubject } from "@/lib/rules/device-subject";
import type { LoadedSubject } from "./loaded-subject";

/**
 * A subject as read, with its report bodies still the JSON text stored in the database: what a pass hands to the
 * thread that evaluates it (a string crosses threads as one copy; the parsed report, ~70 objects, would be cloned
 * object by object). `parseRawSubject` turns it into the rules' input.
 */
export interface RawSubject extends Omit<LoadedSubject, "subject"> {
  subject: Omit<DeviceSubject, "report"> & {
    report: (Omit<NonNullable<DeviceSubject["report"]>, "parsed" | "systemParsed"> & { parsed: string; systemParsed: string | null }) | null;
  };
}

export function parseRawSubject(raw: RawSubject): LoadedSubject {
  const report = raw.subject.report;
  if (!report) return raw as LoadedSubject;
  return {
    ...raw,
    subject: {
      ...raw.subject,
      report: {
        ...report,
        parsed: JSON.parse(report.parsed) as ParsedDsregcmd,
        systemParsed: report.systemParsed ? (JSON.parse(report.systemParsed) as ParsedDsregcmd) : null,
      },
    },
  };
}
