import { directDb } from "@/lib/db/direct";
import { createDeviceExportSource } from "@/lib/export/device-export-source";
import { DeviceExportQuery } from "@/lib/export/export-query";
import { exportResponse } from "@/lib/export/stream-export";
import { recordExport } from "@/lib/audit/record-export";
import { db } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/devices/export?format=csv|xlsx|jsonl&[Devices filters]&[subject=KEY…] — the Devices list (its filters
 * and order, or a selection of its rows) as a streamed download. Dashboard session only.
 */
export const GET = adminRoute({ role: "Reader", query: DeviceExportQuery, tenant: true }, async (request, { admin, query, tenant }) => {
  const { format, subject, ...params } = query;
  // Audit-logged as it starts (issue 20 item 6): who exported which list of which tenant, with which filters.
  await recordExport(db, { actor: admin.email, what: "devices", tenantRef: tenant.id, format, filters: { ...params, subject } });
  const source = createDeviceExportSource(directDb(), { tenantRef: tenant.id, params, subjects: subject });
  return exportResponse(request, source, format, tenant.name);
});
