import Link from "next/link";
import type { FindingChange } from "@/lib/queries/summarize-changes";
import { ruleTitle } from "@/lib/display/rule-names";
import { findingHref } from "@/lib/url-params/finding-anchor";
import { SeverityBadge } from "../../_components/severity-badge";

/**
 * The findings opened, reopened or resolved in a period, each a link to its finding, and "+N more" to the full list
 * when the period holds more than are shown (the Overview's "What changed" and the weekly review).
 */
export function FindingChangeList({ changes, total, moreHref }: { changes: FindingChange[]; total: number; moreHref: string }) {
  return (
    <ul className="mt-2 space-y-1.5">
      {changes.map((c) => (
        <li key={`${c.findingId}-${c.at}`}>
          <Link href={findingHref(c.subjectKey, c.rule)} className="group flex items-center gap-2 text-[13px]">
            <SeverityBadge severity={c.severity} className="shrink-0" />
            <span className="min-w-0 truncate">
              <span className="font-medium group-hover:underline">{c.hostname ?? c.deviceId ?? c.objectId}</span>
              <span className="ml-1.5 text-xs text-slate-600 dark:text-slate-400" title={c.rule}>
                {ruleTitle(c.rule)}
              </span>
            </span>
          </Link>
        </li>
      ))}
      {total > changes.length ? (
        <li className="text-xs">
          <Link href={moreHref} className="link">
            +{total - changes.length} more
          </Link>
        </li>
      ) : null}
    </ul>
  );
}
