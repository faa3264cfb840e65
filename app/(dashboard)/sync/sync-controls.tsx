"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { InlineError } from "../../_components/inline-error";
import { startSyncAction, type StartSyncState } from "./actions";

const POLL_MS = 2_000;
/** After "Sync now", poll at least this long even if the first render shows no running run yet. */
const GRACE_MS = 6_000;

export function SyncButtons({ tenantRef, disabled, live }: { tenantRef: string; disabled: boolean; live: boolean }) {
  const [state, action, pending] = useActionState<StartSyncState, FormData>(startSyncAction, { error: null, message: null, startedAt: null });
  return (
    <div className="flex flex-col items-end gap-2">
      <form action={action} className="flex items-center gap-2">
        <input type="hidden" name="tenantRef" value={tenantRef} />
        <button
          type="submit"
          name="mode"
          value="full"
          className="btn-secondary"
          disabled={disabled || pending || live}
          title="Reads every device again and marks objects no longer in Entra ID as deleted"
        >
          Full resync
        </button>
        <button type="submit" name="mode" value="auto" className="btn-primary" disabled={disabled || pending || live}>
          {pending ? "Starting…" : live ? "Sync running…" : "Sync now"}
        </button>
      </form>
      {state.error ? (
        <InlineError message={state.error} className="max-w-xs" />
      ) : state.message ? (
        <p role="status" className="max-w-xs text-right text-[13px] text-emerald-700 dark:text-emerald-400">
          {state.message}
        </p>
      ) : null}
      <SyncRunPoller tenantRef={tenantRef} live={live} startedAt={state.startedAt} />
    </div>
  );
}

/**
 * While a run is live, asks /api/v1/sync-runs every 2 s and re-renders the page (router.refresh keeps
 * scroll and form state). Stops one refresh after the API reports nothing running.
 */
function SyncRunPoller({ tenantRef, live, startedAt }: { tenantRef: string; live: boolean; startedAt: number | null }) {
  const router = useRouter();

  useEffect(() => {
    const graceUntil = (startedAt ?? 0) + GRACE_MS;
    if (!live && Date.now() > graceUntil) return;
    let stopped = false;
    const timer = setInterval(async () => {
      try {
        const response = await fetch(`/api/v1/sync-runs?tenant=${encodeURIComponent(tenantRef)}`, { cache: "no-store" });
        if (stopped) return;
        if (!response.ok) {
          clearInterval(timer);
          return;
        }
        const body = (await response.json()) as { running: boolean };
        router.refresh();
        if (!body.running && Date.now() > graceUntil) clearInterval(timer);
      } catch {
        // The server restarted or the network blipped: try again at the next tick.
      }
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [live, startedAt, tenantRef, router]);

  return live ? (
    <span className="sr-only" role="status">
      A sync is running; this page refreshes every two seconds.
    </span>
  ) : null;
}
