import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { readFindingsSnapshot } from "@/lib/display/severity";
import { PROXY_FILE_KIND_LABEL, type ProxyFileSummary } from "@/lib/proxy/types";
import type { Finding } from "@/lib/rules/types";

export interface SavedProxyDiagnosis {
  id: string;
  title: string;
  savedBy: string;
  savedAt: string;
  files: ProxyFileSummary[];
  findings: Finding[];
}

const StoredFile = z.object({
  name: z.string(),
  kind: z.enum(Object.keys(PROXY_FILE_KIND_LABEL) as [ProxyFileSummary["kind"], ...ProxyFileSummary["kind"][]]),
  bytes: z.number(),
  records: z.number(),
  failures: z.number(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  warnings: z.array(z.string()).catch([]),
});

/**
 * One saved diagnosis of the tenant with its files and findings, or null (unknown id, or another tenant's). The stored
 * JSON is read defensively: an entry a later version could not read is left out rather than breaking the page.
 */
export async function findProxyDiagnosis(db: Db, options: { tenantRef: string; id: string }): Promise<SavedProxyDiagnosis | null> {
  if (options.id.length > 64) return null;
  const row = await db.proxyDiagnosis.findFirst({
    where: { id: options.id, tenantRef: options.tenantRef },
    select: { id: true, title: true, savedBy: true, savedAt: true, files: true, findings: true },
  });
  if (!row) return null;
  const storedFiles = typeof row.files === "string" ? safeJson(row.files) : row.files;
  const files = Array.isArray(storedFiles)
    ? storedFiles.flatMap((f) => {
        const parsed = StoredFile.safeParse(f);
        return parsed.success ? [parsed.data] : [];
      })
    : [];
  return { id: row.id, title: row.title, savedBy: row.savedBy, savedAt: row.savedAt.toISOString(), files, findings: readFindingsSnapshot(row.findings) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
