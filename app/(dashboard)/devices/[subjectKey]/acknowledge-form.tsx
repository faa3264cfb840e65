"use client";

import { startTransition, useActionState, useId } from "react";
import { InlineError } from "../../../_components/inline-error";
import { acknowledgeFindingAction, undoAcknowledgementAction, type AcknowledgeState } from "./actions";
import { AckTicketAndUntilFields } from "../../_components/ack-fields";

/** Accept an open finding for now, with the reason on record (FindingEvent + audit log), a ticket and an expiry. */
export function AcknowledgeForm({ findingId, subjectKey, rule }: { findingId: string; subjectKey: string; rule: string }) {
  const [state, action, pending] = useActionState<AcknowledgeState, FormData>(acknowledgeFindingAction, { error: null, done: false });
  const id = useId();
  return (
    <form
      action={action}
      // With JavaScript, submit without React's reset of the form after an action, so a refused ticket or date does
      // not also clear the comment (the form goes away once the acknowledgement is saved).
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => action(data));
      }}
      className="border-t border-slate-100 px-5 py-3 dark:border-slate-800"
      aria-label={`Acknowledge ${rule}`}
      noValidate
    >
      <input type="hidden" name="findingId" value={findingId} />
      <input type="hidden" name="subjectKey" value={subjectKey} />
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="min-w-0 flex-1">
          <label htmlFor={`${id}-comment`} className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
            Acknowledge with a comment
          </label>
          <input
            id={`${id}-comment`}
            name="comment"
            maxLength={1000}
            placeholder="e.g. Known: re-imaging this kiosk on Friday"
            className="input py-1.5 text-[13px]"
            aria-invalid={state.error ? true : undefined}
            aria-describedby={state.error ? `${id}-error` : undefined}
          />
        </div>
        <AckTicketAndUntilFields compact />
        <button type="submit" className="btn-secondary py-1.5 text-[13px]" disabled={pending}>
          {pending ? "Saving…" : "Acknowledge"}
        </button>
      </div>
      <InlineError id={`${id}-error`} message={state.error} className="mt-2" />
    </form>
  );
}

/** Withdraw an acknowledgement: the finding is back on the open lists, and the timeline says who undid it. */
export function UndoAcknowledgementForm({ findingId, subjectKey, rule }: { findingId: string; subjectKey: string; rule: string }) {
  const [state, action, pending] = useActionState<AcknowledgeState, FormData>(undoAcknowledgementAction, { error: null, done: false });
  return (
    <form action={action} aria-label={`Undo the acknowledgement of ${rule}`} className="flex items-center gap-2">
      <input type="hidden" name="findingId" value={findingId} />
      <input type="hidden" name="subjectKey" value={subjectKey} />
      <button type="submit" className="btn-secondary py-1 text-[13px]" disabled={pending}>
        {pending ? "Undoing…" : "Undo acknowledgement"}
      </button>
      <InlineError message={state.error} className="" />
    </form>
  );
}
