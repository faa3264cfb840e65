import "server-only";
import type { Db } from "@/lib/db/client";
import { isSeverity, type Severity } from "@/lib/rules/severity";

export interface SavedProxyDiagnosisRow {
  id: string;
  title: string;
  savedBy: string;
  savedAt: string;
  fileCount: number;
  findingCount: number;
  worstSeverity: Severity;
}

/** The Proxy page lists this many saved diagnoses, newest first, and says how many there are in all. */
export const SAVED_PROXY_DIAGNOSES_SHOWN = 50;

/** The tenant's saved Application Proxy diagnoses, newest first (one index range: tenantRef, savedAt). */
export async function findProxyDiagnoses(db: Db, options: { tenantRef: string; take?: number }): Promise<{ rows: SavedProxyDiagnosisRow[]; total: number }> {
  const where = { tenantRef: options.tenantRef };
  const [rows, total] = await Promise.all([
    db.proxyDiagnosis.findMany({
      where,
      orderBy: [{ savedAt: "desc" }, { id: "desc" }],
      take: options.take ?? SAVED_PROXY_DIAGNOSES_SHOWN,
      select: { id: true, title: true, savedBy: true, savedAt: true, fileCount: true, findingCount: true, worstSeverity: true },
    }),
    db.proxyDiagnosis.count({ where }),
  ]);
  return {
    rows: rows.map((r) => ({ ...r, savedAt: r.savedAt.toISOString(), worstSeverity: isSeverity(r.worstSeverity) ? r.worstSeverity : "info" })),
    total,
  };
}
