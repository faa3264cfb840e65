import Link from "next/link";
import type { ReactNode } from "react";
import { DataTable } from "./data-table";
import { PageHeader } from "./page-header";
import { Pagination } from "./pagination";

/**
 * The one scaffold of the list pages (Devices, Findings, Reports, Sign-ins), top to bottom: the header with its export
 * slot, what sits above the filters (a view switch, a notice), the filters (a FilterForm), a summary, then either the
 * empty state (the list holds nothing at all) or the toolbar and the list itself (a ListTable, or another list).
 */
export function ListPage({
  title,
  description,
  exportMenu,
  above,
  filters,
  summary,
  empty,
  toolbar,
  children,
}: {
  title: string;
  description: ReactNode;
  /** The header's export menu (ExportMenu), or nothing. */
  exportMenu?: ReactNode;
  above?: ReactNode;
  filters?: ReactNode;
  summary?: ReactNode;
  /** An EmptyState when there is nothing to list (not when filters match nothing: NoMatchRow says that). */
  empty?: ReactNode;
  toolbar?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <>
      <PageHeader title={title} description={description} actions={exportMenu} />
      {above}
      {filters}
      {summary}
      {empty ?? (
        <>
          {toolbar}
          {children}
        </>
      )}
    </>
  );
}

export interface Paging {
  page: number;
  pageSize: number;
  total: number;
  hrefFor: (page: number) => string;
  /** The page-size menu: the sizes offered and the URL of each (page 1 of the list at that size). */
  sizes: readonly number[];
  sizeHref: (size: number) => string;
}

/**
 * A list's table: it scrolls inside its box both ways (at 1,024 px a wide table scrolls sideways instead of pushing
 * the page wider; a long page scrolls under its sticky header), with the paging and page-size choice under it.
 * Columns that can go first carry `priority="low"` on their Th/Td and collapse below 1,280 px.
 */
export function ListTable({ caption, paging, footer, children }: { caption: string; paging?: Paging; footer?: ReactNode; children: ReactNode }) {
  return (
    <DataTable
      caption={caption}
      scroll
      footer={
        paging ? (
          <div className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2">
            <div className="min-w-0 flex-1">
              <Pagination page={paging.page} pageSize={paging.pageSize} total={paging.total} hrefFor={paging.hrefFor} />
            </div>
            <PageSizeChoice sizes={paging.sizes} current={paging.pageSize} hrefFor={paging.sizeHref} />
          </div>
        ) : (
          footer
        )
      }
    >
      {children}
    </DataTable>
  );
}

/** Rows per page, as links (each a URL: it survives reload and sharing, and works without JavaScript). */
export function PageSizeChoice({ sizes, current, hrefFor }: { sizes: readonly number[]; current: number; hrefFor: (size: number) => string }) {
  return (
    <nav aria-label="Rows per page" className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-400" data-testid="page-size">
      <span className="mr-1">Rows per page</span>
      {sizes.map((size) =>
        size === current ? (
          <span
            key={size}
            aria-current="true"
            className="rounded px-1.5 py-0.5 font-semibold text-slate-900 ring-1 ring-slate-300 dark:text-slate-100 dark:ring-slate-600"
          >
            {size}
          </span>
        ) : (
          <Link
            key={size}
            href={hrefFor(size)}
            className="rounded px-1.5 py-0.5 text-blue-700 hover:bg-slate-100 hover:underline dark:text-blue-300 dark:hover:bg-slate-800"
          >
            {size}
          </Link>
        ),
      )}
    </nav>
  );
}

/** The one row of a table whose filters match nothing, with the way back. */
export function NoMatchRow({ colSpan, what, clearHref }: { colSpan: number; what: string; clearHref: string }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-4 py-12 text-center text-slate-600 dark:text-slate-400">
        No {what} match these filters.{" "}
        <Link href={clearHref} className="link">
          Clear filters
        </Link>
      </td>
    </tr>
  );
}
