import Link from "next/link";
import type { ReactNode } from "react";

/**
 * A list page's filters: a plain GET form (works without JavaScript, writes the filters into the URL) with Apply and,
 * when anything is filtered, Reset. `hidden` carries the list's other state (sort, columns, view, page size) so that
 * applying filters keeps it. Fields are the Filter* components below, so every list's filters look and read alike.
 */
export function FilterForm({
  action,
  label,
  resetHref,
  hidden = {},
  children,
  formKey,
}: {
  action: string;
  /** The form's accessible name ("Filter devices"). */
  label: string;
  /** Where Reset leads; no Reset button when null (nothing is filtered). */
  resetHref: string | null;
  hidden?: Record<string, string | null | undefined>;
  children: ReactNode;
  /** Changes when the URL's filters change, so the fields show the new ones after a link (Reset, a cause) changed them. */
  formKey?: string;
}) {
  return (
    <form key={formKey} method="get" action={action} role="search" aria-label={label} className="mb-4 flex flex-wrap items-end gap-3">
      {children}
      {Object.entries(hidden).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
      <div className="flex gap-2 pb-px">
        <button type="submit" className="btn-primary py-1.5">
          Apply
        </button>
        {resetHref ? (
          <Link href={resetHref} className="btn-ghost py-1.5">
            Reset
          </Link>
        ) : null}
      </div>
    </form>
  );
}

/**
 * A choice: `any` is the first option (no filter, value ""), then `options` as [value, label] pairs (or `children`
 * for options that need more, such as a value the list no longer offers).
 */
export function FilterSelect({
  id,
  label,
  value,
  any,
  options = [],
  children,
}: {
  id: string;
  label: string;
  value: string;
  any?: string;
  options?: readonly (readonly [value: string, label: string])[];
  children?: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="label text-xs">
        {label}
      </label>
      <select id={id} name={id} defaultValue={value} className="input w-auto py-1.5 pr-8">
        {any !== undefined ? <option value="">{any}</option> : null}
        {children}
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A text field; `search` makes it a search box (the list's main one is the first field and spans a phone's width). */
export function FilterText({
  id,
  label,
  value,
  placeholder,
  width = "w-36",
  search = false,
  mono = false,
}: {
  id: string;
  label: string;
  value: string;
  placeholder: string;
  /** A Tailwind width class. */
  width?: string;
  search?: boolean;
  mono?: boolean;
}) {
  return (
    <div className={width}>
      <label htmlFor={id} className="label text-xs">
        {label}
      </label>
      <input
        id={id}
        name={id}
        type={search ? "search" : "text"}
        defaultValue={value}
        placeholder={placeholder}
        className={`input py-1.5${mono ? " font-mono text-xs" : ""}`}
      />
    </div>
  );
}

/** A whole number of days (1 to ten years), empty for no filter. */
export function FilterDays({ id, label, value }: { id: string; label: string; value: number | null }) {
  return (
    <div className="w-44">
      <label htmlFor={id} className="label text-xs">
        {label} (days)
      </label>
      <input id={id} name={id} type="number" min={1} max={3650} step={1} inputMode="numeric" defaultValue={value ?? ""} className="input py-1.5" />
    </div>
  );
}

/** A yes/no filter: sends `name=1` when checked. */
export function FilterCheckbox({ name, checked, children }: { name: string; checked: boolean; children: ReactNode }) {
  return (
    <label className="flex items-center gap-2 pb-2 text-[13px] text-slate-700 dark:text-slate-300">
      <input type="checkbox" name={name} value="1" defaultChecked={checked} className="size-4 rounded border-slate-300 accent-blue-600" />
      {children}
    </label>
  );
}
