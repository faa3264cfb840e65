/**
 * "The latest report of a device", defined once: the report captured last, and of reports captured at the same
 * moment the one with the highest id. A device is a registration id, or for reports without one a host name (any
 * case). The findings loader, the device summaries (which the Devices list and the Overview read) and the device page
 * each need it in another form; every form orders by LATEST_REPORT_ORDER.
 */

/** The order in which a device's reports are latest first (SQL, reports aliased `x`). */
export const LATEST_REPORT_ORDER = `x."capturedAt" DESC, x."id" DESC`;

/** The same order for Prisma's findFirst / findMany. */
export const LATEST_REPORT_FIRST = [{ capturedAt: "desc" }, { id: "desc" }] as const satisfies { capturedAt?: "desc"; id?: "desc" }[];

/** The same order in JavaScript: whether report `a` is later than report `b` (times as ISO 8601 strings). */
export function isLaterReport(a: { capturedAt: string; id: string }, b: { capturedAt: string; id: string }): boolean {
  return a.capturedAt > b.capturedAt || (a.capturedAt === b.capturedAt && a.id > b.id);
}

/** A scalar subquery: the id of the latest report of registration id `deviceId` in tenant `tenantRef` (SQL expressions). */
export function latestReportIdSql(tenantRef: string, deviceId: string): string {
  return `(SELECT x."id" FROM "DeviceReport" x WHERE x."tenantRef" = ${tenantRef} AND x."deviceId" = ${deviceId} ORDER BY ${LATEST_REPORT_ORDER} LIMIT 1)`;
}

/**
 * A table `r` of the latest report per `partition` (SQL over alias x: `x."deviceId"`, `LOWER(x."hostname")`) among
 * the tenant's reports that match `where`, with `columns` (SQL list over x). One parameter: the tenant.
 */
export function latestReportsSql(columns: string, partition: string, where: string): string {
  return `(SELECT * FROM (SELECT ${columns}, ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY ${LATEST_REPORT_ORDER}) AS "n"
        FROM "DeviceReport" x WHERE x."tenantRef" = ? AND ${where}) ranked WHERE "n" = 1) r`;
}

/**
 * The report heads of a tenant's devices, keyed by registration id (`group` "deviceId": reports with one) or by
 * lower-cased host name ("hostname": reports without one): the reports captured last, with the last time any report of
 * the device arrived (receivedAt). Several reports captured at the same moment all come back: the caller keeps the one
 * isLaterReport prefers. Aggregated by the database, as a machine reporting every four hours has some 2,000 reports
 * after a year. `filter`: more SQL for the aggregate's WHERE (` AND {in}` for queryIn). One parameter: the tenant.
 */
export function latestReportHeadsSql(group: "deviceId" | "hostname", filter: string): string {
  if (group === "deviceId") {
    return `SELECT r."id", r."deviceId", r."hostname", r."objectGuid", r."capturedAt", m."receivedAt" FROM "DeviceReport" r JOIN (
       SELECT "tenantRef", "deviceId", MAX("capturedAt") AS "capturedAt", MAX("receivedAt") AS "receivedAt" FROM "DeviceReport"
       WHERE "tenantRef" = ? AND "deviceId" IS NOT NULL${filter} GROUP BY "tenantRef", "deviceId"
     ) m ON r."tenantRef" = m."tenantRef" AND r."deviceId" = m."deviceId" AND r."capturedAt" = m."capturedAt"`;
  }
  return `SELECT r."id", r."deviceId", r."hostname", r."objectGuid", r."capturedAt", m."receivedAt" FROM "DeviceReport" r JOIN (
       SELECT "tenantRef", LOWER("hostname") AS "host", MAX("capturedAt") AS "capturedAt", MAX("receivedAt") AS "receivedAt" FROM "DeviceReport"
       WHERE "tenantRef" = ? AND "deviceId" IS NULL${filter} GROUP BY "tenantRef", LOWER("hostname")
     ) m ON r."tenantRef" = m."tenantRef" AND r."deviceId" IS NULL AND LOWER(r."hostname") = m."host" AND r."capturedAt" = m."capturedAt"`;
}
