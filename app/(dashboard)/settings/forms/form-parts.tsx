import type { SaveState } from "../actions";

/** A save form's state before its first submission. */
export const EMPTY_SAVE: SaveState = { error: null, field: null, savedAt: null, message: null };

/** What a save form says after it saved. */
export function Saved({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="status" className="text-[13px] text-emerald-700 dark:text-emerald-400">
      {message}
    </p>
  );
}

/** A field's explanation, under it. */
export function Hint({ children, id }: { children: React.ReactNode; id?: string }) {
  return (
    <p id={id} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
      {children}
    </p>
  );
}

/** A checkbox drawn as a switch: still a native checkbox (keyboard, forms, screen readers). */
export function Toggle({
  id,
  name,
  defaultChecked,
  label,
  children,
}: {
  id: string;
  name: string;
  defaultChecked: boolean;
  label: string;
  children: React.ReactNode;
}) {
  return (
    <div className="flex items-start gap-3">
      <span className="relative mt-0.5 inline-flex shrink-0">
        <input id={id} name={name} type="checkbox" role="switch" defaultChecked={defaultChecked} className="peer sr-only" aria-describedby={`${id}-hint`} />
        <span
          aria-hidden="true"
          className="h-5 w-9 rounded-full bg-slate-300 transition-colors peer-checked:bg-blue-600 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-blue-600 dark:bg-slate-700 dark:peer-checked:bg-blue-500"
        />
        <span aria-hidden="true" className="absolute top-0.5 left-0.5 size-4 rounded-full bg-white shadow-sm transition-transform peer-checked:translate-x-4" />
      </span>
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-800 dark:text-slate-200">
          {label}
        </label>
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {children}
        </p>
      </div>
    </div>
  );
}
