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
