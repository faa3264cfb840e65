import type { ParsedDsregcmd } from "@/lib/reports/types";
import { parseStoredText } from "@/lib/reports/stored-report-body";
import type { DeviceSubject } from "@/lib/rules/device-subject";
import type { LoadedSubject } from "./loaded-subject";

/**
 * A subject as read, with its report bodies still the JSON text stored in the database: what a pass hands to the
 * thread that evaluates it (a string crosses threads as one copy; the parsed report, ~70 objects, would be cloned
 * object by object). `parseRawSubject` turns it into the rules' input.
 */
export interface RawSubject extends Omit<LoadedSubject, "subject"> {
  subject: Omit<DeviceSubject, "report"> & {
    report: (Omit<NonNullable<DeviceSubject["report"]>, "parsed" | "systemParsed"> & { parsed: RawCapture; systemParsed: RawCapture | null }) | null;
  };
}

/**
 * A capture as stored: the parsed JSON of a report from before decision 013, else its raw text (inflated by the
 * reader), which is parsed again here exactly as the upload parsed it.
 */
export interface RawCapture {
  json: string | null;
  text: string | null;
  /** The text's parsed form, when this process's upload of it handed it over (recent-captures.ts): not parsed again. */
  parsed?: ParsedDsregcmd;
}

function parseCapture(capture: RawCapture): ParsedDsregcmd | null {
  if (capture.parsed) return capture.parsed;
  if (capture.json) return JSON.parse(capture.json) as ParsedDsregcmd;
  return parseStoredText(capture.text);
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
        parsed: parseCapture(report.parsed) ?? unreadable(),
        systemParsed: report.systemParsed ? parseCapture(report.systemParsed) : null,
      },
    },
  };
}

/** The latest report always keeps its text (retention drops only older changes' texts): this is a broken row. */
function unreadable(): never {
  throw new Error("a latest report holds neither its text nor its parsed JSON");
}
