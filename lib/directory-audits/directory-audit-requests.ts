/**
 * The Graph request of the directory audit pull. `GET /v1.0/auditLogs/directoryAudits` lists Entra's audit log and
 * supports `$filter` on activityDateTime (eq, ge, le), category and activityDisplayName, and `$top`
 * (https://learn.microsoft.com/graph/api/directoryaudit-list, https://learn.microsoft.com/graph/api/resources/directoryaudit).
 * It needs the application permissions AuditLog.Read.All and Directory.Read.All, and shares the identity and access
 * reports' throttling with the sign-in log (five requests per 10 seconds per app and tenant). docs/domain.md, "Who
 * changed the device: the directory audit log".
 */
import { odataTime } from "@/lib/signins/sign-in-requests";

export const DIRECTORY_AUDIT_PAGE_SIZE = 500;

/** The device object's changes: the category Entra logs "Disable device", "Delete device", "Update device" under. */
export function directoryAuditFilter(from: Date, to: Date): string {
  return `activityDateTime ge ${odataTime(from)} and activityDateTime le ${odataTime(to)} and category eq 'Device'`;
}

export function directoryAuditsRequest(from: Date, to: Date, pageSize = DIRECTORY_AUDIT_PAGE_SIZE): string {
  return `/auditLogs/directoryAudits?$top=${pageSize}&$filter=${encodeURIComponent(directoryAuditFilter(from, to))}`;
}
