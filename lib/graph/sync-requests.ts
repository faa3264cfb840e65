import { GRAPH_SELECTED_PROPERTIES } from "@/lib/db/directory-device-columns";

/**
 * The Graph requests the directory sync sends, in one place: the sync, "Test connection" and `joinscope tenant
 * probe` send exactly these, so a request Graph refuses fails the test and the probe as it would fail the sync.
 */

/**
 * The device properties JoinScope asks Graph for ($select lowers a request's cost). Only properties the v1.0 device
 * resource documents (https://learn.microsoft.com/graph/api/resources/device, vendored in
 * vendor/device-v1-properties.json and checked by sync-requests.test.ts): Graph may answer 400 to any other, which
 * would fail every full and delta sync. createdDateTime, selected before, is not documented for devices. The list is
 * the DirectoryDevice columns whose source is "property" (lib/db/directory-device-columns.ts).
 */
export const DEVICE_SELECT_PROPERTIES: readonly string[] = GRAPH_SELECTED_PROPERTIES;

export const DEVICE_SELECT = DEVICE_SELECT_PROPERTIES.join(",");

/** Full sync, first: a delta link for the changes made from now on (delta-query-overview, `$deltatoken=latest`). */
export const DELTA_LATEST_REQUEST = `/devices/delta?$select=${DEVICE_SELECT}&$deltatoken=latest`;

/** Full sync: the first page of /devices (999 is Graph's largest directory page). */
export function devicesFirstPageRequest(pageSize = 999): string {
  return `/devices?$select=${DEVICE_SELECT}&$top=${pageSize}`;
}

/**
 * BitLocker recovery key presence: the list "does not support $top" and documents only $filter
 * (https://learn.microsoft.com/graph/api/bitlocker-list-recoverykeys), so the request carries no query options; the
 * list never returns the key itself.
 */
export const BITLOCKER_KEYS_REQUEST = "/informationProtection/bitlocker/recoveryKeys";

/** LAPS password presence: $select is supported (https://learn.microsoft.com/graph/api/directory-list-devicelocalcredentials). */
export const LAPS_CREDENTIALS_REQUEST = "/directory/deviceLocalCredentials?$select=id,deviceName,lastBackupDateTime";
