import Link from "next/link";
import type { TimelineEntry } from "@/lib/queries/get-device-timeline";
import { formatAbsoluteTime } from "@/lib/display/format-time";
import { AlertIcon, DevicesIcon, FindingsIcon, ReportsIcon, ShieldCheckIcon } from "../../../_components/icons";
import { RelativeTime } from "../../../_components/relative-time";

const KIND_LABEL: Record<TimelineEntry["kind"], string> = {
  directory: "Directory",
  report: "Report",
  "agent-event": "Agent event",
  finding: "Finding",
  audit: "Audit",
};

const TONE: Record<TimelineEntry["tone"], string> = {
  neutral: "bg-slate-100 text-slate-600 ring-slate-200 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-700",
  good: "bg-emerald-50 text-emerald-700 ring-emerald-200 dark:bg-emerald-500/15 dark:text-emerald-300 dark:ring-emerald-500/30",
  bad: "bg-red-50 text-red-700 ring-red-200 dark:bg-red-500/15 dark:text-red-300 dark:ring-red-500/30",
  warn: "bg-amber-50 text-amber-700 ring-amber-200 dark:bg-amber-500/15 dark:text-amber-300 dark:ring-amber-500/30",
};

function KindIcon({ kind }: { kind: TimelineEntry["kind"] }) {
  const props = { width: 15, height: 15 };
  switch (kind) {
    case "directory":
      return <DevicesIcon {...props} />;
    case "report":
      return <ReportsIcon {...props} />;
    case "agent-event":
      return <AlertIcon {...props} />;
    case "finding":
      return <FindingsIcon {...props} />;
    default:
      return <ShieldCheckIcon {...props} />;
  }
}

/** Newest first; each entry opens to its details (native <details>, no JavaScript). */
export function DeviceTimeline({ entries, now }: { entries: TimelineEntry[]; now: string }) {
  if (entries.length === 0) return <p className="card px-5 py-4 text-slate-500 dark:text-slate-400">Nothing has happened to this device yet.</p>;
  return (
    <ol className="card divide-y divide-slate-100 dark:divide-slate-800" aria-label="Timeline entries">
      {entries.map((e) => (
        <li key={e.id} data-testid="timeline-entry" data-kind={e.kind}>
          <details className="group">
            <summary className="flex cursor-pointer list-none items-start gap-3 px-4 py-2.5 select-none hover:bg-slate-50 dark:hover:bg-slate-800/40">
              <span className={`mt-px flex size-6 shrink-0 items-center justify-center rounded-full ring-1 ${TONE[e.tone]}`} title={KIND_LABEL[e.kind]}>
                <KindIcon kind={e.kind} />
                <span className="sr-only">{KIND_LABEL[e.kind]}</span>
              </span>
              <span className="min-w-0 flex-1 leading-snug">
                <span className="text-slate-900 dark:text-slate-100">{e.summary}</span>
              </span>
              <span className="shrink-0 pt-px text-xs text-slate-500 dark:text-slate-400">
                <RelativeTime iso={e.at} now={now} />
              </span>
              <span className="shrink-0 pt-px text-slate-400 transition-transform group-open:rotate-90" aria-hidden="true">
                ›
              </span>
            </summary>
            <div className="bg-slate-50/70 px-4 pt-1 pb-3 pl-13 dark:bg-slate-950/40">
              <dl className="grid gap-x-6 gap-y-1 text-[13px] sm:grid-cols-[10rem_1fr]">
                <dt className="text-xs text-slate-500 dark:text-slate-400">Time</dt>
                <dd className="font-mono text-xs">{formatAbsoluteTime(e.at)}</dd>
                {e.detail.map((d, i) => (
                  <div key={i} className="contents">
                    <dt className="text-xs text-slate-500 dark:text-slate-400">{d.label}</dt>
                    <dd className="font-mono text-xs break-words whitespace-pre-wrap">{d.value}</dd>
                  </div>
                ))}
              </dl>
              {e.href ? (
                <Link href={e.href} className="link mt-2 inline-block text-xs">
                  Open the full report
                </Link>
              ) : null}
            </div>
          </details>
        </li>
      ))}
    </ol>
  );
}
