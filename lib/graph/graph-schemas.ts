/**
 * Every Graph response is validated here before it touches the database
 * (https://learn.microsoft.com/graph/api/resources/device). Unknown fields pass through into `raw`.
 */
import { z } from "zod";

const dateTime = z.string().datetime({ offset: true }).nullish();

export const GraphDeviceSchema = z
  .object({
    id: z.string().min(1),
    deviceId: z.string().nullish(),
    displayName: z.string().nullish(),
    accountEnabled: z.boolean().nullish(),
    trustType: z.string().nullish(),
    profileType: z.string().nullish(),
    registrationDateTime: dateTime,
    approximateLastSignInDateTime: dateTime,
    createdDateTime: dateTime,
    operatingSystem: z.string().nullish(),
    operatingSystemVersion: z.string().nullish(),
    isCompliant: z.boolean().nullish(),
    isManaged: z.boolean().nullish(),
    mdmAppId: z.string().nullish(),
    onPremisesSyncEnabled: z.boolean().nullish(),
    onPremisesLastSyncDateTime: dateTime,
    physicalIds: z.array(z.string()).nullish(),
    alternativeSecurityIds: z
      .array(z.object({ type: z.number().nullish(), identityProvider: z.string().nullish(), key: z.string().nullish() }).passthrough())
      .nullish(),
  })
  .passthrough();

export type GraphDevice = z.infer<typeof GraphDeviceSchema>;

/**
 * A removal in a delta round. Graph documents the reasons "changed" (soft-deleted, restorable) and "deleted"
 * (https://learn.microsoft.com/graph/delta-query-overview); any other reason is accepted here and treated as
 * "changed" by the sync (logged), rather than failing the round or reading the entry as an object.
 */
export const RemovedDeviceSchema = z.object({
  id: z.string().min(1),
  "@removed": z.object({ reason: z.string() }).passthrough(),
});

export const DevicePageSchema = z
  .object({
    value: z.array(GraphDeviceSchema),
    "@odata.nextLink": z.string().url().optional(),
  })
  .passthrough();

export const DeltaPageSchema = z
  .object({
    value: z.array(z.union([RemovedDeviceSchema, GraphDeviceSchema])),
    "@odata.nextLink": z.string().url().optional(),
    "@odata.deltaLink": z.string().url().optional(),
  })
  .passthrough();

export type DeltaEntry = z.infer<typeof DeltaPageSchema>["value"][number];

export function isRemoved(entry: DeltaEntry): entry is z.infer<typeof RemovedDeviceSchema> {
  return "@removed" in entry && entry["@removed"] != null;
}

export const BitlockerKeysPageSchema = z
  .object({
    value: z.array(z.object({ id: z.string(), deviceId: z.string().nullish() }).passthrough()),
    "@odata.nextLink": z.string().url().optional(),
  })
  .passthrough();

export const LapsPageSchema = z
  .object({
    value: z.array(z.object({ id: z.string(), deviceName: z.string().nullish(), lastBackupDateTime: dateTime }).passthrough()),
    "@odata.nextLink": z.string().url().optional(),
  })
  .passthrough();
