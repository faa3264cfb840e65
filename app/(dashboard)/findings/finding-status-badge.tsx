import { ruleTitle } from "@/lib/display/rule-names";

/** open / acknowledged / resolved, spelled out; the colour only repeats it. */
export function FindingStatusBadge({ status, acknowledged }: { status: "open" | "resolved"; acknowledged: boolean }) {
  const [label, tone] =
    status === "resolved"
      ? ["Resolved", "bg-emerald-50 text-emerald-800 ring-emerald-600/25 dark:bg-emerald-500/15 dark:text-emerald-300 dark:ring-emerald-400/30"]
      : acknowledged
        ? ["Acknowledged", "bg-violet-50 text-violet-800 ring-violet-600/25 dark:bg-violet-500/15 dark:text-violet-300 dark:ring-violet-400/30"]
        : ["Open", "bg-white text-slate-700 ring-slate-400/40 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-500/40"];
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${tone}`}
      data-status={status === "open" && acknowledged ? "acknowledged" : status}
    >
      {label}
    </span>
  );
}

/**
 * The device's primary finding: the root cause its other findings point to. Spelled out; on a finding it explains,
 * the rule it follows from.
 */
export function PrimaryCauseMark({ primary, explainedBy }: { primary: boolean; explainedBy: string | null }) {
  if (primary) {
    return (
      <span
        className="inline-flex items-center rounded-full bg-blue-50 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-blue-800 ring-1 ring-blue-600/25 ring-inset dark:bg-blue-500/15 dark:text-blue-300 dark:ring-blue-400/30"
        data-testid="primary-cause"
        title="Fix this first: the device's other findings follow from it"
      >
        Primary cause
      </span>
    );
  }
  if (!explainedBy) return null;
  return (
    <span className="text-xs text-slate-600 dark:text-slate-400" data-testid="explained-by">
      Follows from <span title={explainedBy}>{ruleTitle(explainedBy)}</span>
    </span>
  );
}

/** A GUID shortened to its first 8 characters; the whole value stays in the tooltip and for screen readers. */
export function ShortId({ id }: { id: string | null }) {
  if (!id) return <span className="text-slate-400 dark:text-slate-500">—</span>;
  return (
    <span title={id} className="font-mono text-xs text-slate-600 dark:text-slate-400">
      {id.slice(0, 8)}
      <span aria-hidden="true">…</span>
      <span className="sr-only">{id.slice(8)}</span>
    </span>
  );
}
