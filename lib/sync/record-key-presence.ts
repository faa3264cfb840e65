import "server-only";
import { inList, readBool, type Statement } from "@/lib/db/direct";
import { chunk } from "@/lib/db/in-list";
import type { GraphClient } from "@/lib/graph/graph-client";
import { BitlockerKeysPageSchema, LapsPageSchema } from "@/lib/graph/graph-schemas";
import { BITLOCKER_KEYS_REQUEST, LAPS_CREDENTIALS_REQUEST } from "@/lib/graph/sync-requests";
import type { SyncConnection } from "./open-sync-connection";

export interface KeyPresence {
  /** Lower-case device ids with a BitLocker recovery key stored; null when it could not be read. */
  bitlocker: Set<string> | null;
  /** Lower-case ids of the devices with a LAPS password stored; null when it could not be read. */
  laps: Set<string> | null;
  /** Missing permission or failed read, in the order BitLocker, LAPS. */
  warnings: string[];
}

/**
 * BitLocker recovery key and LAPS password presence: ids only, never key material. Both lists are paged
 * through concurrently, and a full sync starts this before paging through /devices: these collections are
 * as long as the device list (Graph serves them 100 to a page), and only network-bound.
 */
export async function collectKeyPresence(graph: GraphClient): Promise<KeyPresence> {
  const warnings: [string | null, string | null] = [null, null];
  const collect = async (
    slot: 0 | 1,
    first: string,
    schema: typeof BitlockerKeysPageSchema | typeof LapsPageSchema,
    pick: (item: Record<string, unknown>) => string | null | undefined,
    permission: string,
    what: string,
  ): Promise<Set<string> | null> => {
    const ids = new Set<string>();
    let link: string | undefined = first;
    while (link) {
      const page: Awaited<ReturnType<GraphClient["get"]>> = await graph.get(link, schema);
      if (!page.ok) {
        warnings[slot] =
          page.error.kind === "forbidden"
            ? `${permission} is not granted to the app: JoinScope cannot tell which devices have ${what}, so re-join advice warns about them for every device.`
            : `Could not read ${what} presence: ${page.error.message}`;
        return null;
      }
      const data = page.data as { value: Record<string, unknown>[]; "@odata.nextLink"?: string };
      for (const item of data.value) {
        const id = pick(item);
        if (id) ids.add(id.toLowerCase());
      }
      link = data["@odata.nextLink"];
    }
    return ids;
  };
  const [bitlocker, laps] = await Promise.all([
    collect(
      0,
      BITLOCKER_KEYS_REQUEST,
      BitlockerKeysPageSchema,
      (i) => i.deviceId as string | null,
      "BitlockerKey.ReadBasic.All",
      "BitLocker recovery keys stored",
    ),
    collect(1, LAPS_CREDENTIALS_REQUEST, LapsPageSchema, (i) => i.id as string, "DeviceLocalCredential.ReadBasic.All", "a LAPS password stored"),
  ]);
  return { bitlocker, laps, warnings: warnings.filter((w): w is string => w !== null) };
}

/**
 * Stores the presence flags on every device of the tenant (deleted ones included; a device without a deviceId
 * has neither), in one transaction. Only rows whose flags change are written: rewriting all of a large tenant's
 * rows after every full sync cost as much as the sync's own writes.
 */
export async function storeKeyPresence(connection: SyncConnection, options: { tenantRef: string; presence: KeyPresence; now: Date }): Promise<void> {
  const { bitlocker, laps } = options.presence;
  if (!bitlocker && !laps) return;
  const rows = await connection.reader.query<{ id: string; deviceId: string | null; hasBitlockerKeys: unknown; hasLapsPassword: unknown }>(
    `SELECT "id", "deviceId", "hasBitlockerKeys", "hasLapsPassword" FROM "DirectoryDevice" WHERE "tenantRef" = ?`,
    [options.tenantRef],
  );
  // Rows grouped by the flags they need, so that each group is a few `id IN (…)` updates.
  const groups = new Map<string, { bitlocker: boolean | null; laps: boolean | null; ids: string[] }>();
  for (const r of rows) {
    const wantBitlocker = bitlocker ? !!r.deviceId && bitlocker.has(r.deviceId) : null;
    const wantLaps = laps ? !!r.deviceId && laps.has(r.deviceId) : null;
    const bitlockerChanges = wantBitlocker !== null && readBool(r.hasBitlockerKeys) !== wantBitlocker;
    const lapsChanges = wantLaps !== null && readBool(r.hasLapsPassword) !== wantLaps;
    if (!bitlockerChanges && !lapsChanges) continue;
    const key = `${wantBitlocker}|${wantLaps}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { bitlocker: wantBitlocker, laps: wantLaps, ids: [] }));
    group.ids.push(r.id);
  }
  const statements: Statement[] = [];
  for (const g of groups.values()) {
    const sets: string[] = [];
    const values: unknown[] = [];
    if (g.bitlocker !== null) {
      sets.push(`"hasBitlockerKeys" = ?`);
      values.push(g.bitlocker);
    }
    if (g.laps !== null) {
      sets.push(`"hasLapsPassword" = ?`);
      values.push(g.laps);
    }
    for (const part of chunk(g.ids)) {
      statements.push({
        sql: `UPDATE "DirectoryDevice" SET ${sets.join(", ")}, "updatedAt" = ? WHERE ${inList("id", part.length)}`,
        params: [...values, options.now, ...part],
      });
    }
  }
  await connection.batch(statements);
}
