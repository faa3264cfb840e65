import type { Prisma } from "@/lib/db/client";
import type { ColumnKind } from "@/lib/db/direct";

/** Every DirectoryChange column (a device timeline row, written by the sync's page writer) and its kind. */
export const DIRECTORY_CHANGE_COLUMNS = {
  id: "text",
  tenantRef: "text",
  objectId: "text",
  deviceId: "text",
  kind: "text",
  at: "datetime",
  syncRunRef: "text",
  detail: "json",
} as const satisfies Record<Prisma.DirectoryChangeScalarFieldEnum, ColumnKind>;
