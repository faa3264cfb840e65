import { directDb } from "@/lib/db/direct";
import { FindingExportQuery } from "@/lib/export/export-query";
import { createFindingExportSource } from "@/lib/export/finding-export-source";
import { exportResponse } from "@/lib/export/stream-export";
import { recordExport } from "@/lib/audit/record-export";
import { db } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/findings/export?format=csv|xlsx|jsonl&status=…&severity=…&rule=…&q=…&ack=…&primary=…&[subject=KEY…] —
 * the Findings list (its filters, or the findings of selected devices) as a streamed download; CSV when no format
 * is given. Dashboard session only.
 */
export const GET = adminRoute({ role: "Reader", query: FindingExportQuery, tenant: true }, async (request, { admin, query, tenant }) => {
  const { format, subject, ...params } = query;
  // Audit-logged as it starts (issue 20 item 6): who exported which list of which tenant, with which filters.
  await recordExport(db, { actor: admin.email, what: "findings", tenantRef: tenant.id, format, filters: { ...params, subject } });
  const source = createFindingExportSource(directDb(), { tenantRef: tenant.id, params, subjects: subject });
  return exportResponse(request, source, format, tenant.name);
});
