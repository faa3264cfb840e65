"use client";

import { useActionState, useId } from "react";
import { InlineError } from "../../../_components/inline-error";
import { keepValues } from "../../../_lib/keep-values";
import { saveRetentionSettingsAction, type SaveState } from "../actions";
import { EMPTY_SAVE, Hint, Saved, Toggle } from "./form-parts";

export interface StoredRetentionSettings {
  tenantRef: string;
  retentionChangeDays: number;
  retentionTextChanges: number;
  keepEveryUpload: boolean;
}

export interface RetentionLimits {
  minChangeDays: number;
  maxChangeDays: number;
  maxTextChanges: number;
}

/** The tenant's report history retention (issue 18, decision 013); the retention job applies it hourly. */
export function RetentionSettingsForm({ settings, limits }: { settings: StoredRetentionSettings; limits: RetentionLimits }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(saveRetentionSettingsAction, EMPTY_SAVE);
  const ids = useId();
  return (
    <form onSubmit={keepValues(action)} aria-label="Report retention" className="space-y-4">
      <input type="hidden" name="tenantRef" value={settings.tenantRef} />
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={`${ids}-days`} className="label">
            State changes kept (days)
          </label>
          <input
            id={`${ids}-days`}
            name="retentionChangeDays"
            type="number"
            inputMode="numeric"
            min={limits.minChangeDays}
            max={limits.maxChangeDays}
            required
            defaultValue={settings.retentionChangeDays}
            className="input tabular-nums"
            aria-invalid={state.field === "retentionChangeDays" ? true : undefined}
            aria-describedby={`${ids}-days-hint`}
          />
          <Hint id={`${ids}-days-hint`}>
            A device&rsquo;s reports that changed its state (join, PRT, device auth, certificate, findings) are deleted this many days after they were last
            seen. A device&rsquo;s latest report is always kept. Default 400.
          </Hint>
        </div>
        <div>
          <label htmlFor={`${ids}-texts`} className="label">
            Raw texts kept per device
          </label>
          <input
            id={`${ids}-texts`}
            name="retentionTextChanges"
            type="number"
            inputMode="numeric"
            min={1}
            max={limits.maxTextChanges}
            required
            defaultValue={settings.retentionTextChanges}
            className="input tabular-nums"
            aria-invalid={state.field === "retentionTextChanges" ? true : undefined}
            aria-describedby={`${ids}-texts-hint`}
          />
          <Hint id={`${ids}-texts-hint`}>
            The dsregcmd texts of this many latest changes of each device are kept; older changes keep what they said, not their text. Default 5.
          </Hint>
        </div>
      </div>
      <Toggle id={`${ids}-every`} name="keepEveryUpload" defaultChecked={settings.keepEveryUpload} label="Keep every upload">
        Store each upload as its own report, not one per change (for an investigation): about a hundred times the space.
      </Toggle>
      <p className="text-xs text-slate-500 dark:text-slate-400">Upload counters (the uploads received each hour) are kept forever.</p>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Saving…" : "Save retention"}
        </button>
        <Saved message={state.message} />
      </div>
      <InlineError message={state.error} />
    </form>
  );
}
