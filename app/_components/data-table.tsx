import Link from "next/link";
import type { ReactNode, ThHTMLAttributes, TdHTMLAttributes } from "react";
import { SortIcon } from "./icons";

/** Dense, calm tables: sticky header, zebra-free rows with a hover tint, numbers right-aligned by the caller. */
export function DataTable({ caption, children, footer }: { caption: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="card overflow-hidden">
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-left text-[13px]">
          <caption className="sr-only">{caption}</caption>
          {children}
        </table>
      </div>
      {footer ? <div className="border-t border-slate-200 px-4 py-2.5 dark:border-slate-800">{footer}</div> : null}
    </div>
  );
}

export function THead({ children }: { children: ReactNode }) {
  return (
    <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-500 dark:border-slate-800 dark:bg-slate-800/40 dark:text-slate-400">
      <tr>{children}</tr>
    </thead>
  );
}

export function Th({ children, className = "", ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th scope="col" className={`px-4 py-2.5 font-medium whitespace-nowrap ${className}`} {...rest}>
      {children}
    </th>
  );
}

export function TBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-slate-100 dark:divide-slate-800">{children}</tbody>;
}

export function Td({ children, className = "", ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td className={`px-4 py-2.5 align-middle ${className}`} {...rest}>
      {children}
    </td>
  );
}

/** A column header that links to the same page sorted by this column (state lives in the URL). */
export function SortableTh({ label, href, direction }: { label: string; href: string; direction: "asc" | "desc" | null }) {
  return (
    <th
      scope="col"
      className="px-4 py-2.5 font-medium whitespace-nowrap"
      aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none"}
    >
      <Link href={href} className="group inline-flex items-center gap-1 rounded hover:text-slate-900 dark:hover:text-slate-100" scroll={false}>
        {label}
        <SortIcon dir={direction} className={direction ? "text-slate-700 dark:text-slate-200" : "opacity-40 group-hover:opacity-80"} />
      </Link>
    </th>
  );
}
