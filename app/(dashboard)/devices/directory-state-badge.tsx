import type { DeviceState } from "@/lib/url-params/device-list-params";

const TONE: Record<DeviceState, string> = {
  live: "text-emerald-700 dark:text-emerald-400",
  deleted: "text-red-700 dark:text-red-400",
  pending: "text-amber-700 dark:text-amber-400",
  disabled: "text-orange-700 dark:text-orange-400",
  "report-only": "text-slate-500 dark:text-slate-400",
};

const REASON: Record<string, string> = {
  deleted: "deleted in Entra ID",
  changed: "left the sync scope",
  "missing-after-full-sync": "missing after a full sync",
};

/** Live / Deleted (reason) / Pending / Disabled / Not in directory, as the directory sync last saw it. */
export function DirectoryStateBadge({ state, deletedReason }: { state: DeviceState; deletedReason?: string | null }) {
  const label =
    state === "deleted"
      ? `Deleted${deletedReason ? ` · ${REASON[deletedReason] ?? deletedReason}` : ""}`
      : { live: "Live", pending: "Pending", disabled: "Disabled", "report-only": "Not in directory" }[state];
  return (
    <span className={`inline-flex items-center gap-1.5 text-[13px] font-medium whitespace-nowrap ${TONE[state]}`} data-state={state}>
      <span className="size-1.5 rounded-full bg-current" aria-hidden="true" />
      {label}
    </span>
  );
}

export function trustTypeLabel(trustType: string | null): string {
  if (!trustType) return "—";
  return { AzureAd: "Entra joined", ServerAd: "Hybrid joined", Workplace: "Registered" }[trustType] ?? trustType;
}
