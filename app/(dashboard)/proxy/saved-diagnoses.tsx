import Link from "next/link";
import type { SavedProxyDiagnosisRow } from "@/lib/queries/find-proxy-diagnoses";
import { DataTable, TBody, Td, Th, THead } from "../../_components/data-table";
import { RelativeTime } from "../../_components/relative-time";
import { SeverityBadge } from "../../_components/severity-badge";

/** The tenant's saved diagnoses, newest first; each title opens its page. */
export function SavedDiagnoses({ rows, total, now }: { rows: SavedProxyDiagnosisRow[]; total: number; now: string }) {
  if (rows.length === 0) {
    return <p className="text-sm text-slate-600 dark:text-slate-400">None yet. After a diagnosis, an Operator can save it here with a title.</p>;
  }
  return (
    <DataTable
      caption="Saved diagnoses"
      footer={
        total > rows.length ? (
          <p className="text-xs text-slate-600 dark:text-slate-400">
            The newest {rows.length} of {total.toLocaleString("en-US")}; delete the ones you no longer need.
          </p>
        ) : undefined
      }
    >
      <THead>
        <Th>Title</Th>
        <Th>Saved by</Th>
        <Th>Saved</Th>
        <Th className="text-right">Files</Th>
        <Th>Worst severity</Th>
        <Th className="text-right">Findings</Th>
      </THead>
      <TBody>
        {rows.map((r) => (
          <tr key={r.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/40" data-testid="saved-proxy-diagnosis">
            <Td>
              <Link href={`/proxy/saved/${r.id}`} className="link font-medium">
                {r.title}
              </Link>
            </Td>
            <Td className="text-slate-700 dark:text-slate-300">{r.savedBy}</Td>
            <Td>
              <RelativeTime iso={r.savedAt} now={now} />
            </Td>
            <Td className="text-right tabular-nums">{r.fileCount}</Td>
            <Td>
              <SeverityBadge severity={r.worstSeverity} />
            </Td>
            <Td className="text-right tabular-nums">{r.findingCount}</Td>
          </tr>
        ))}
      </TBody>
    </DataTable>
  );
}
