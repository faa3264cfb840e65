"use client";

import { useActionState, useId } from "react";
import { InlineError } from "../../../_components/inline-error";
import { keepValues } from "../../../_lib/keep-values";
import { saveSyncSettingsAction, type SaveState } from "../actions";
import { EMPTY_SAVE, Hint, Saved, Toggle } from "./form-parts";

export interface StoredSyncSettings {
  tenantRef: string;
  syncEnabled: boolean;
  staleThresholdDays: number;
  agentIntervalMinutes: number;
  redactUserNames: boolean;
}

export function SyncSettingsForm({ settings, minStaleDays }: { settings: StoredSyncSettings; minStaleDays: number }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(saveSyncSettingsAction, EMPTY_SAVE);
  const ids = useId();
  return (
    <form onSubmit={keepValues(action)} aria-label="Sync settings" className="space-y-4">
      <input type="hidden" name="tenantRef" value={settings.tenantRef} />
      <Toggle id={`${ids}-enabled`} name="syncEnabled" defaultChecked={settings.syncEnabled} label="Sync enabled">
        The scheduler delta-syncs this tenant. Sync now still works when it is off.
      </Toggle>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={`${ids}-stale`} className="label">
            Stale threshold (days)
          </label>
          <input
            id={`${ids}-stale`}
            name="staleThresholdDays"
            type="number"
            inputMode="numeric"
            min={minStaleDays}
            max={3650}
            required
            defaultValue={settings.staleThresholdDays}
            className="input tabular-nums"
            aria-invalid={state.field === "staleThresholdDays" ? true : undefined}
            aria-describedby={`${ids}-stale-hint`}
          />
          <Hint id={`${ids}-stale-hint`}>
            At least {minStaleDays}: Entra ID moves approximateLastSignInDateTime only about every 14 days, so a shorter threshold calls active devices stale.
          </Hint>
        </div>
        <div>
          <label htmlFor={`${ids}-interval`} className="label">
            Agent interval (minutes)
          </label>
          <input
            id={`${ids}-interval`}
            name="agentIntervalMinutes"
            type="number"
            inputMode="numeric"
            min={15}
            max={10080}
            required
            defaultValue={settings.agentIntervalMinutes}
            className="input tabular-nums"
            aria-invalid={state.field === "agentIntervalMinutes" ? true : undefined}
            aria-describedby={`${ids}-interval-hint`}
          />
          <Hint id={`${ids}-interval-hint`}>How often your agents upload. A machine silent for three intervals is flagged.</Hint>
        </div>
      </div>
      <Toggle id={`${ids}-redact`} name="redactUserNames" defaultChecked={settings.redactUserNames} label="Redact user names">
        Hide user names and UPNs from reports in the dashboard and exports.
      </Toggle>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Saving…" : "Save sync settings"}
        </button>
        <Saved message={state.message} />
      </div>
      <InlineError message={state.error} />
    </form>
  );
}
