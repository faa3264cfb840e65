"use client";

import { InlineError } from "../../../_components/inline-error";
import { useActionState, useId } from "react";
import { acknowledgeFindingAction, type AcknowledgeState } from "./actions";

/** Accept an open finding for now, with the reason on record (FindingEvent + audit log). */
export function AcknowledgeForm({ findingId, subjectKey, rule }: { findingId: string; subjectKey: string; rule: string }) {
  const [state, action, pending] = useActionState<AcknowledgeState, FormData>(acknowledgeFindingAction, { error: null, done: false });
  const id = useId();
  return (
    <form action={action} className="border-t border-slate-100 px-5 py-3 dark:border-slate-800" aria-label={`Acknowledge ${rule}`} noValidate>
      <input type="hidden" name="findingId" value={findingId} />
      <input type="hidden" name="subjectKey" value={subjectKey} />
      <label htmlFor={`${id}-comment`} className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
        Acknowledge with a comment
      </label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          id={`${id}-comment`}
          name="comment"
          maxLength={1000}
          placeholder="e.g. Known: re-imaging this kiosk on Friday (CHG-1234)"
          className="input py-1.5 text-[13px]"
          aria-invalid={state.error ? true : undefined}
          aria-describedby={state.error ? `${id}-error` : undefined}
        />
        <button type="submit" className="btn-secondary py-1.5 text-[13px]" disabled={pending}>
          {pending ? "Saving…" : "Acknowledge"}
        </button>
      </div>
      <InlineError id={`${id}-error`} message={state.error} className="mt-2" />
    </form>
  );
}
