"use client";

import { useActionState, useId } from "react";
import { InlineError } from "../../../_components/inline-error";
import { keepValues } from "../../../_lib/keep-values";
import { removeAccessLimitAction, setAccessLimitAction, type SaveState } from "../actions";
import { EMPTY_SAVE, Hint, Saved } from "./form-parts";

/** Settings → Users: limit a user or an Entra group to the tenants ticked (decision 027). Saving again replaces the limit. */
export function AccessLimitForm({ tenants }: { tenants: { id: string; name: string }[] }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(setAccessLimitAction, EMPTY_SAVE);
  const ids = useId();
  return (
    <form onSubmit={keepValues(action)} aria-label="Limit access" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
        <div>
          <label htmlFor={`${ids}-kind`} className="label">
            Who
          </label>
          <select id={`${ids}-kind`} name="kind" className="input" defaultValue="user">
            <option value="user">A user</option>
            <option value="group">An Entra group</option>
          </select>
        </div>
        <div>
          <label htmlFor={`${ids}-principal`} className="label">
            Email, UPN or object id
          </label>
          <input
            id={`${ids}-principal`}
            name="principal"
            required
            maxLength={320}
            className="input"
            autoComplete="off"
            aria-invalid={state.field === "principal" ? true : undefined}
            aria-describedby={`${ids}-principal-hint`}
          />
          <Hint id={`${ids}-principal-hint`}>
            A user: a local account&apos;s email, or an Entra user&apos;s UPN or object id. A group: its object id, as the ID token&apos;s groups claim names
            it.
          </Hint>
        </div>
      </div>
      <fieldset>
        <legend className="label">Tenants they may see</legend>
        <div className="mt-1 flex flex-wrap gap-x-5 gap-y-2">
          {tenants.map((t) => (
            <label key={t.id} className="flex items-center gap-2 text-[13px]">
              <input type="checkbox" name="tenantRef" value={t.id} />
              {t.name}
            </label>
          ))}
        </div>
        <Hint>None ticked: they see no tenant at all. Someone no limit names sees every tenant.</Hint>
      </fieldset>
      <div className="flex items-center gap-3">
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Saving…" : "Save limit"}
        </button>
        <Saved message={state.error ? null : state.message} />
      </div>
      <InlineError message={state.error} />
    </form>
  );
}

export function RemoveAccessLimitForm({ id, principal }: { id: string; principal: string }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(removeAccessLimitAction, EMPTY_SAVE);
  return (
    <form onSubmit={keepValues(action)} aria-label={`Remove the limit of ${principal}`}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="btn-secondary text-xs" disabled={pending}>
        Remove limit
      </button>
      <InlineError message={state.error} className="mt-1" />
    </form>
  );
}
