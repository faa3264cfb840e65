import { recordExport } from "@/lib/audit/record-export";
import { db } from "@/lib/db/client";
import { createAuditExportSource } from "@/lib/export/audit-export-source";
import { ExportFormatSchema } from "@/lib/export/export-format";
import { exportResponse } from "@/lib/export/stream-export";
import { adminRoute } from "@/lib/http/admin-route";
import { AuditListParamsSchema } from "@/lib/url-params/audit-list-params";

export const dynamic = "force-dynamic";

const AuditExportQuery = AuditListParamsSchema.omit({ page: true, size: true }).extend({ format: ExportFormatSchema.default("csv") });

/**
 * GET /api/v1/audit/export?format=csv|xlsx|jsonl&who=…&what=…&tenant=…&from=YYYY-MM-DD&to=YYYY-MM-DD — the Audit list
 * (its filters, newest first) as a streamed download. Admins only; a limited Admin's export holds their tenants'
 * entries only (decision 027). The export itself is audit-logged.
 */
export const GET = adminRoute({ role: "Admin", query: AuditExportQuery }, async (request, { admin, query }) => {
  const { format, ...params } = query;
  await recordExport(db, { actor: admin.email, what: "audit", tenantRef: params.tenant, format, filters: params });
  const source = createAuditExportSource(db, { params, tenantScope: admin.tenantScope });
  return exportResponse(request, source, format, "log");
});
