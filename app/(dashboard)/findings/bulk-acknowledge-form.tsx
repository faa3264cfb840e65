"use client";

import { InlineError } from "../../_components/inline-error";
import { useActionState, useId } from "react";
import { acknowledgeFindingsAction, type BulkAcknowledgeState } from "./actions";

export const BULK_ACKNOWLEDGE_FORM_ID = "bulk-acknowledge";

/**
 * One comment (and an optional ticket) for every open finding of the selected groups or rows. The checkboxes sit in
 * the table and join this form through their form="bulk-acknowledge" attribute; a plain form post without JavaScript.
 */
export function BulkAcknowledgeForm({ tenantRef, filters, what }: { tenantRef: string; filters: string; what: "groups" | "rows" }) {
  const [state, action, pending] = useActionState<BulkAcknowledgeState, FormData>(acknowledgeFindingsAction, { error: null, acknowledged: null });
  const id = useId();
  return (
    <form
      id={BULK_ACKNOWLEDGE_FORM_ID}
      action={action}
      noValidate
      aria-label="Acknowledge selected findings"
      className="card mb-4 flex flex-wrap items-end gap-3 px-4 py-3"
      data-testid="bulk-acknowledge"
    >
      <input type="hidden" name="tenant" value={tenantRef} />
      <input type="hidden" name="filters" value={filters} />
      <p className="w-full text-xs text-slate-500 dark:text-slate-400">
        {what === "groups"
          ? "Select rules, then acknowledge every open finding of them that these filters show, with one comment."
          : "Select findings, then acknowledge them with one comment."}{" "}
        Each finding keeps the comment and gets its own audit entry.
      </p>
      <div className="min-w-64 flex-1">
        <label htmlFor={`${id}-comment`} className="label text-xs">
          Comment
        </label>
        <input
          id={`${id}-comment`}
          name="comment"
          maxLength={1000}
          placeholder="e.g. Known: the Entra Connect filter change re-syncs these on Friday"
          className="input py-1.5"
          aria-invalid={state.error ? true : undefined}
          aria-describedby={state.error ? `${id}-error` : undefined}
        />
      </div>
      <div className="w-44">
        <label htmlFor={`${id}-ticket`} className="label text-xs">
          Ticket (optional)
        </label>
        <input id={`${id}-ticket`} name="ticket" maxLength={100} placeholder="CHG-1234" className="input py-1.5" />
      </div>
      <button type="submit" className="btn-primary py-1.5" disabled={pending}>
        {pending ? "Acknowledging…" : "Acknowledge selected"}
      </button>
      {state.error ? (
        <InlineError id={`${id}-error`} message={state.error} className="w-full" />
      ) : state.acknowledged !== null ? (
        <p role="status" className="w-full text-[13px] text-emerald-700 dark:text-emerald-400" data-testid="bulk-acknowledge-done">
          {state.acknowledged.toLocaleString("en")} {state.acknowledged === 1 ? "finding" : "findings"} acknowledged.
        </p>
      ) : null}
    </form>
  );
}
