import { directDb } from "@/lib/db/direct";
import { createChangeBoardExportSource } from "@/lib/export/change-board-export-source";
import { DeviceExportQuery } from "@/lib/export/export-query";
import { exportResponse } from "@/lib/export/stream-export";
import { recordExport } from "@/lib/audit/record-export";
import { db } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/devices/change-board?format=csv|xlsx|jsonl&[Devices filters]&[subject=KEY…] — one row per broken device
 * (lib/rules/broken-device.ts; the Devices list's filters, `outlook` unset meaning unregistered now or at risk) for a
 * change board: device, user, Conditional Access, cause, action, risk, since when. Dashboard session only.
 */
export const GET = adminRoute({ role: "Reader", query: DeviceExportQuery, tenant: true }, async (request, { admin, query, tenant }) => {
  const { format, subject, ...params } = query;
  // Audit-logged as it starts (issue 20 item 6): who exported which list of which tenant, with which filters.
  await recordExport(db, { actor: admin.email, what: "change-board", tenantRef: tenant.id, format, filters: { ...params, subject } });
  const source = createChangeBoardExportSource(directDb(), { tenantRef: tenant.id, params, subjects: subject });
  return exportResponse(request, source, format, tenant.name);
});
