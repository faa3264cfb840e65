import { PROXY_FILE_KIND_LABEL, type ProxyFileSummary } from "@/lib/proxy/types";

/** The files a diagnosis read: format, entries, failures, time range (the page's result and a saved diagnosis). */
export function ProxyFilesTable({ files }: { files: ProxyFileSummary[] }) {
  return (
    <div className="card overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="proxy-files-read">
        <caption className="sr-only">Files read</caption>
        <thead className="text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th className="px-4 py-2 font-medium">File</th>
            <th className="px-4 py-2 font-medium">Read as</th>
            <th className="px-4 py-2 text-right font-medium">Entries</th>
            <th className="px-4 py-2 text-right font-medium">Failed</th>
            <th className="px-4 py-2 font-medium">Time range (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f, i) => (
            <tr key={`${f.name}-${i}`} className="border-t border-slate-100 dark:border-slate-800/70">
              <td className="px-4 py-2 font-mono text-xs">{f.name}</td>
              <td className="px-4 py-2">{PROXY_FILE_KIND_LABEL[f.kind]}</td>
              <td className="px-4 py-2 text-right tabular-nums">{f.records.toLocaleString("en-US")}</td>
              <td className={`px-4 py-2 text-right tabular-nums ${f.failures ? "font-semibold text-red-700 dark:text-red-300" : ""}`}>
                {f.failures.toLocaleString("en-US")}
              </td>
              <td className="px-4 py-2 text-xs text-slate-600 dark:text-slate-400">
                {f.from ? `${f.from.slice(0, 19).replace("T", " ")} – ${(f.to ?? "").slice(11, 19)}` : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
