/**
 * The application permissions (a token's `roles`) each Graph route accepts, any one of them enough, as the routes'
 * API pages list them (e.g. https://learn.microsoft.com/graph/api/device-list#permissions).
 */
export const READ_DEVICES = ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
export const READ_BITLOCKER_BASIC = ["BitlockerKey.ReadBasic.All", "BitlockerKey.Read.All"];
export const READ_LAPS_BASIC = ["DeviceLocalCredential.ReadBasic.All", "DeviceLocalCredential.Read.All"];
/** `GET /auditLogs/signIns`: AuditLog.Read.All (https://learn.microsoft.com/graph/api/signin-list#permissions). */
export const READ_AUDIT_LOG = ["AuditLog.Read.All"];
/** `GET /auditLogs/directoryAudits` needs Directory.Read.All beside AuditLog.Read.All (https://learn.microsoft.com/graph/api/directoryaudit-list#permissions). */
export const READ_DIRECTORY = ["Directory.Read.All", "Directory.ReadWrite.All"];
