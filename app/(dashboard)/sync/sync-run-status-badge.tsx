const STYLES: Record<string, string> = {
  running: "bg-blue-50 text-blue-800 ring-blue-600/25 dark:bg-blue-500/15 dark:text-blue-300 dark:ring-blue-400/30",
  succeeded: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/25",
  failed: "bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-500/15 dark:text-red-300 dark:ring-red-400/30",
  abandoned: "bg-slate-100 text-slate-700 ring-slate-500/25 dark:bg-slate-500/15 dark:text-slate-300 dark:ring-slate-400/30",
  stalled: "bg-amber-50 text-amber-800 ring-amber-600/30 dark:bg-amber-500/15 dark:text-amber-300 dark:ring-amber-400/30",
};

const LABELS: Record<string, string> = { running: "Running", succeeded: "Succeeded", failed: "Failed", abandoned: "Abandoned", stalled: "Stalled" };

/** A sync run's status, spelled out (the colour only repeats it). A running run without heartbeat shows as Stalled. */
export function SyncRunStatusBadge({ status, stalled }: { status: string; stalled: boolean }) {
  const key = stalled ? "stalled" : status;
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${STYLES[key] ?? STYLES.abandoned}`}
      title={stalled ? "No progress for over 5 minutes: the process running it stopped. The next sync resumes from the last committed page." : undefined}
      data-testid="sync-run-status"
    >
      {key === "running" ? (
        <span className="size-1.5 animate-pulse rounded-full bg-blue-600 motion-reduce:animate-none dark:bg-blue-400" aria-hidden="true" />
      ) : null}
      {LABELS[key] ?? status}
    </span>
  );
}
