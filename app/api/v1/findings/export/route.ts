import { directDb } from "@/lib/db/direct";
import { FindingExportQuery } from "@/lib/export/export-query";
import { createFindingExportSource } from "@/lib/export/finding-export-source";
import { exportHeaders, exportReadableStream } from "@/lib/export/stream-export";
import { adminRoute } from "@/lib/http/admin-route";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/findings/export?format=csv|xlsx|jsonl&status=…&severity=…&rule=…&q=…&ack=…&primary=…&[subject=KEY…] —
 * the Findings list (its filters, or the findings of selected devices) as a streamed download; CSV when no format
 * is given. Dashboard session only.
 */
export const GET = adminRoute({ role: "Reader", query: FindingExportQuery, tenant: true }, async (_request, { query, tenant }) => {
  const { format, subject, ...params } = query;
  const source = createFindingExportSource(directDb(), { tenantRef: tenant.id, params, subjects: subject });
  return new Response(exportReadableStream(source, format), { headers: exportHeaders(source, format, tenant.name) });
});
