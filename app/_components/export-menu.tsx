import { EXPORT_FORMATS, type ExportFormat } from "@/lib/export/export-format";

const LABEL: Record<ExportFormat, string> = { csv: "CSV", xlsx: "XLSX", jsonl: "JSON Lines" };

/**
 * The current list, as on screen (its filters and order), downloaded in each export format: one link per format to
 * /api/v1/{devices|findings}/export, which streams the file (docs/api.md). `query` is the list's own URL or query
 * string; paging is dropped (an export holds every row of the view). Plain links: works without JavaScript, and
 * the browser's own download starts at once.
 */
export function ExportMenu({ what, query, tenant }: { what: "devices" | "findings"; query: URLSearchParams | string; tenant?: string }) {
  const base = new URLSearchParams(typeof query === "string" ? query.slice(query.indexOf("?") + 1) : query);
  for (const paging of ["page", "size", "after", "before", "format"]) base.delete(paging);
  if (tenant) base.set("tenant", tenant);
  const href = (format: ExportFormat) => {
    const qs = new URLSearchParams(base);
    qs.set("format", format);
    return `/api/v1/${what}/export?${qs.toString()}`;
  };
  return (
    <div role="group" aria-label={`Export the ${what}`} className="flex items-center gap-1">
      <span className="mr-1 text-sm text-slate-600 dark:text-slate-400">Export</span>
      {EXPORT_FORMATS.map((format) => (
        <a key={format} href={href(format)} className="btn-secondary py-1.5" download aria-label={`Export ${LABEL[format]}`}>
          {LABEL[format]}
        </a>
      ))}
    </div>
  );
}
