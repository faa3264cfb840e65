import Link from "next/link";

/** Previous/next links with a "1–50 of 312" summary; each page is a URL so it survives reload and sharing. */
export function Pagination({ page, pageSize, total, hrefFor }: { page: number; pageSize: number; total: number; hrefFor: (page: number) => string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const linkClass = "btn-secondary px-2.5 py-1 text-xs";
  const disabledClass = "btn px-2.5 py-1 text-xs border border-slate-200 text-slate-400 dark:border-slate-800 dark:text-slate-600";
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between gap-4 text-xs text-slate-600 dark:text-slate-400">
      <p aria-live="polite">
        {from}–{to} of {total.toLocaleString("en")}
      </p>
      <div className="flex items-center gap-2">
        <span>
          Page {page} of {pages}
        </span>
        {page > 1 ? (
          <Link href={hrefFor(page - 1)} className={linkClass} rel="prev">
            Previous
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            Previous
          </span>
        )}
        {page < pages ? (
          <Link href={hrefFor(page + 1)} className={linkClass} rel="next">
            Next
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            Next
          </span>
        )}
      </div>
    </nav>
  );
}
