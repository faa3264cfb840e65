"use client";

import { InlineError } from "../../_components/inline-error";
import { startTransition, useActionState, useEffect, useId, useRef, useState } from "react";
import { acknowledgeSelectedDevicesAction, type BulkAcknowledgeState } from "./actions";

/** The form the rows' checkboxes belong to (`form=` attribute): its data is the selection, as `subject` values. */
export const SELECTION_FORM = "device-selection";

const selectionBoxes = () => Array.from(document.querySelectorAll<HTMLInputElement>(`input[type="checkbox"][name="subject"][form="${SELECTION_FORM}"]`));

/** Counts the checked rows, kept current as they change (the checkboxes live in the table, outside the form element). */
function useSelectedCount(): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const update = () => setCount(selectionBoxes().filter((b) => b.checked).length);
    update();
    document.addEventListener("change", update);
    return () => document.removeEventListener("change", update);
  }, []);
  return count;
}

/** "Select all on this page": checks or clears every row's checkbox; shows mixed when some are checked. */
export function SelectAllOnPage() {
  const ref = useRef<HTMLInputElement>(null);
  const count = useSelectedCount();
  useEffect(() => {
    const boxes = selectionBoxes();
    if (!ref.current) return;
    ref.current.checked = boxes.length > 0 && count === boxes.length;
    ref.current.indeterminate = count > 0 && count < boxes.length;
  }, [count]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select all on this page"
      className="size-4 rounded border-slate-300 accent-blue-600"
      onChange={(event) => {
        for (const box of selectionBoxes()) box.checked = event.currentTarget.checked;
        document.dispatchEvent(new Event("change"));
      }}
    />
  );
}

/**
 * What can be done with the selected rows. The form posts their `subject` values: bulk acknowledge of their open
 * findings, with one comment. An export of the selection posts the same `subject` values (the export engineer's
 * menu adds its button here, `form={SELECTION_FORM}` with its own `formAction`).
 */
export function SelectionActions() {
  const [state, action, pending] = useActionState<BulkAcknowledgeState, FormData>(acknowledgeSelectedDevicesAction, { error: null, message: null });
  const count = useSelectedCount();
  const id = useId();
  return (
    <form
      id={SELECTION_FORM}
      action={action}
      // With JavaScript, submit without React's reset of the form after an action: it would also clear the rows'
      // checkboxes (they belong to this form) and the comment when the server asks for a correction.
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => action(data));
      }}
      aria-label="Selected devices"
      className="mb-3 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900"
      noValidate
    >
      <p className="pb-2 text-[13px] text-slate-600 tabular-nums dark:text-slate-400" data-testid="selected-count" aria-live="polite">
        {count === 0 ? "No device selected" : `${count} device${count === 1 ? "" : "s"} selected`}
      </p>
      <div className="min-w-64 flex-1">
        <label htmlFor={`${id}-comment`} className="label text-xs">
          Acknowledge their open findings with a comment
        </label>
        <input
          id={`${id}-comment`}
          name="comment"
          maxLength={1000}
          placeholder="e.g. Known: these kiosks are re-imaged on Friday (CHG-1234)"
          className="input py-1.5 text-[13px]"
          aria-invalid={state.error ? true : undefined}
          aria-describedby={state.error ? `${id}-status` : undefined}
        />
      </div>
      <button type="submit" className="btn-secondary py-1.5 text-[13px]" disabled={pending}>
        {pending ? "Saving…" : "Acknowledge selected"}
      </button>
      {state.error ? (
        <InlineError id={`${id}-status`} message={state.error} className="w-full" />
      ) : state.message ? (
        <p id={`${id}-status`} role="status" className="w-full text-[13px] text-green-700 dark:text-green-400">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
