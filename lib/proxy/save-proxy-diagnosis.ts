import "server-only";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db, Prisma } from "@/lib/db/client";
import { worstSeverity } from "@/lib/rules/severity";
import { diagnoseProxy } from "./diagnose-proxy";
import { PROXY_SAVE_MAX_CHARS, ProxyFileReadsSchema } from "./proxy-read-schema";

export const PROXY_DIAGNOSIS_TITLE_MAX = 200;

/** What the Proxy page sends: a title and the files' reads as POST /api/v1/proxy/files answered them. */
export const SaveProxyDiagnosisInput = z.object({
  title: z
    .string({ error: "Give the diagnosis a title." })
    .trim()
    .min(1, "Give the diagnosis a title (the app or the ticket).")
    .max(PROXY_DIAGNOSIS_TITLE_MAX, `The title is longer than ${PROXY_DIAGNOSIS_TITLE_MAX} characters.`),
  reads: ProxyFileReadsSchema,
});

export type SaveProxyDiagnosisResult =
  | { ok: true; id: string; title: string; worstSeverity: string; findingCount: number }
  | { ok: false; error: { code: "invalid-input" | "too-large"; message: string } };

/**
 * Stores an Application Proxy diagnosis for the tenant, on an admin's explicit request (issue 21, item 4; decision
 * 028). The input is checked with its bounds (files, kept entries, string lengths, 4 MB of JSON in all) and
 * diagnoseProxy runs here, on the server, over the reads: findings computed in the browser are never taken. Stored:
 * the files' summaries and the findings, not the reads (no request headers, cookies or bodies). The row and the audit
 * entry "proxy-diagnosis.save" are written in one transaction.
 */
export async function saveProxyDiagnosis(db: Db, options: { tenantRef: string; actor: string; input: unknown; now?: Date }): Promise<SaveProxyDiagnosisResult> {
  let size: number;
  try {
    size = JSON.stringify(options.input ?? null).length;
  } catch {
    return { ok: false, error: { code: "invalid-input", message: "The diagnosis could not be read." } };
  }
  if (size > PROXY_SAVE_MAX_CHARS) {
    return {
      ok: false,
      error: {
        code: "too-large",
        message: `The files' failures take ${mb(size)}, more than the ${mb(PROXY_SAVE_MAX_CHARS)} a saved diagnosis holds: download it as JSON instead.`,
      },
    };
  }
  const parsed = SaveProxyDiagnosisInput.safeParse(options.input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 1 ? ` (${issue.path.join(".")})` : "";
    return { ok: false, error: { code: "invalid-input", message: `${issue?.message ?? "The diagnosis could not be read."}${where}` } };
  }
  const { title, reads } = parsed.data;
  const diagnosis = diagnoseProxy(reads);
  const worst = worstSeverity(diagnosis.findings) ?? "info";
  const row = await db.$transaction(async (tx) => {
    const created = await tx.proxyDiagnosis.create({
      data: {
        tenantRef: options.tenantRef,
        title,
        savedBy: options.actor,
        savedAt: options.now ?? new Date(),
        fileCount: diagnosis.files.length,
        findingCount: diagnosis.findings.length,
        worstSeverity: worst,
        files: diagnosis.files as unknown as Prisma.InputJsonValue,
        findings: diagnosis.findings as unknown as Prisma.InputJsonValue,
      },
      select: { id: true },
    });
    await writeAuditLog(tx, {
      actor: options.actor,
      action: "proxy-diagnosis.save",
      tenantRef: options.tenantRef,
      target: created.id,
      detail: {
        title,
        files: diagnosis.files.map((f) => ({ name: f.name, kind: f.kind, records: f.records, failures: f.failures })),
        worstSeverity: worst,
        rules: diagnosis.findings.map((f) => f.rule),
      },
    });
    return created;
  });
  return { ok: true, id: row.id, title, worstSeverity: worst, findingCount: diagnosis.findings.length };
}

function mb(chars: number): string {
  return `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}
