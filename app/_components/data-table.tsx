import Link from "next/link";
import type { ReactNode, ThHTMLAttributes, TdHTMLAttributes } from "react";
import { SortIcon } from "./icons";

/**
 * A column's priority: "low" columns collapse below 1,280 px (at 1,024 px, beside the sidebar, the table keeps the
 * columns an admin reads first and scrolls sideways for the rest of what fits).
 */
export type ColumnPriority = "high" | "low";
const collapse = (priority: ColumnPriority | undefined) => (priority === "low" ? " max-xl:hidden" : "");

/**
 * Dense, calm tables: zebra-free rows with a hover tint, numbers right-aligned by the caller. The table scrolls inside
 * its box sideways; with `scroll` it also scrolls down inside the box (at most 70% of the window) under a sticky header.
 */
export function DataTable({ caption, children, footer, scroll = false }: { caption: string; children: ReactNode; footer?: ReactNode; scroll?: boolean }) {
  return (
    <div className="card overflow-hidden">
      {/* Scrollable regions must be reachable from the keyboard (tabIndex) and named (the caption's text). */}
      <div
        className={scroll ? "max-h-[70vh] overflow-auto" : "overflow-x-auto"}
        tabIndex={scroll ? 0 : undefined}
        role={scroll ? "region" : undefined}
        aria-label={scroll ? caption : undefined}
      >
        <table className="w-full border-collapse text-left text-[13px]">
          <caption className="sr-only">{caption}</caption>
          {children}
        </table>
      </div>
      {footer ? <div className="border-t border-slate-200 px-4 py-2.5 dark:border-slate-800">{footer}</div> : null}
    </div>
  );
}

/** The header row; its cells stick to the top of a scrolling table (opaque, so rows pass under them). */
export function THead({ children }: { children: ReactNode }) {
  return (
    <thead className="text-xs text-slate-600 dark:text-slate-400 [&_th]:sticky [&_th]:top-0 [&_th]:z-20 [&_th]:border-b [&_th]:border-slate-200 [&_th]:bg-slate-50 dark:[&_th]:border-slate-800 dark:[&_th]:bg-[#151e31]">
      <tr>{children}</tr>
    </thead>
  );
}

export function Th({ children, className = "", priority, ...rest }: ThHTMLAttributes<HTMLTableCellElement> & { priority?: ColumnPriority }) {
  return (
    <th scope="col" className={`px-4 py-2.5 font-medium whitespace-nowrap max-xl:px-3 ${className}${collapse(priority)}`} {...rest}>
      {children}
    </th>
  );
}

export function TBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-slate-100 dark:divide-slate-800">{children}</tbody>;
}

export function Td({ children, className = "", priority, ...rest }: TdHTMLAttributes<HTMLTableCellElement> & { priority?: ColumnPriority }) {
  return (
    <td className={`px-4 py-2.5 align-middle max-xl:px-3 ${className}${collapse(priority)}`} {...rest}>
      {children}
    </td>
  );
}

/** A column header that links to the same page sorted by this column (state lives in the URL). */
export function SortableTh({ label, href, direction, priority }: { label: string; href: string; direction: "asc" | "desc" | null; priority?: ColumnPriority }) {
  return (
    <th
      scope="col"
      className={`px-4 py-2.5 font-medium whitespace-nowrap max-xl:px-3${collapse(priority)}`}
      aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none"}
    >
      <Link href={href} className="group inline-flex items-center gap-1 rounded hover:text-slate-900 dark:hover:text-slate-100" scroll={false}>
        {label}
        <SortIcon dir={direction} className={direction ? "text-slate-700 dark:text-slate-200" : "opacity-40 group-hover:opacity-80"} />
      </Link>
    </th>
  );
}
