import type { Severity } from "@/lib/rules/types";
import { SEVERITY_LABEL } from "@/lib/display/severity";

const STYLES: Record<Severity, string> = {
  critical: "bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-500/15 dark:text-red-300 dark:ring-red-400/30",
  high: "bg-orange-50 text-orange-800 ring-orange-600/25 dark:bg-orange-500/15 dark:text-orange-300 dark:ring-orange-400/30",
  medium: "bg-amber-50 text-amber-800 ring-amber-600/30 dark:bg-amber-500/15 dark:text-amber-300 dark:ring-amber-400/30",
  low: "bg-sky-50 text-sky-800 ring-sky-600/25 dark:bg-sky-500/15 dark:text-sky-300 dark:ring-sky-400/30",
  info: "bg-slate-100 text-slate-700 ring-slate-500/25 dark:bg-slate-500/15 dark:text-slate-300 dark:ring-slate-400/30",
};

const DOTS: Record<Severity, string> = {
  critical: "bg-red-600 dark:bg-red-400",
  high: "bg-orange-500 dark:bg-orange-400",
  medium: "bg-amber-500 dark:bg-amber-400",
  low: "bg-sky-500 dark:bg-sky-400",
  info: "bg-slate-400",
};

/** Severity is always spelled out; the colour only repeats it. */
export function SeverityBadge({ severity, className = "" }: { severity: Severity; className?: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${STYLES[severity]} ${className}`}
      data-severity={severity}
    >
      <span className={`size-1.5 rounded-full ${DOTS[severity]}`} aria-hidden="true" />
      {SEVERITY_LABEL[severity]}
    </span>
  );
}

/** For table cells: a badge, or a calm "No findings" when there is nothing to show. */
export function SeverityCell({ severity }: { severity: Severity | null }) {
  if (!severity) return <span className="text-slate-400 dark:text-slate-500">None</span>;
  return <SeverityBadge severity={severity} />;
}
