import { directDb } from "@/lib/db/direct";
import { createDeviceExportSource } from "@/lib/export/device-export-source";
import { DeviceExportQuery } from "@/lib/export/export-query";
import { exportHeaders, exportReadableStream } from "@/lib/export/stream-export";
import { adminRoute } from "@/lib/http/admin-route";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/devices/export?format=csv|xlsx|jsonl&[Devices filters]&[subject=KEY…] — the Devices list (its filters
 * and order, or a selection of its rows) as a streamed download. Dashboard session only.
 */
export const GET = adminRoute({ role: "Reader", query: DeviceExportQuery, tenant: true }, async (_request, { query, tenant }) => {
  const { format, subject, ...params } = query;
  const source = createDeviceExportSource(directDb(), { tenantRef: tenant.id, params, subjects: subject });
  return new Response(exportReadableStream(source, format), { headers: exportHeaders(source, format, tenant.name) });
});
