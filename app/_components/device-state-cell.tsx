import { SEVERITY_ORDER, type Severity } from "@/lib/rules/types";
import { SeverityCell } from "./severity-badge";

const BY_RANK = Object.fromEntries(Object.entries(SEVERITY_ORDER).map(([k, v]) => [v, k])) as Record<number, Severity>;

/** A summary's worst-finding rank (0 critical … 4 info, 9 none) as the severity badge. */
export function WorstRankCell({ rank }: { rank: number }) {
  return <SeverityCell severity={BY_RANK[rank] ?? null} />;
}
