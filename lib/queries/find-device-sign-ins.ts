import "server-only";
import type { DirectDb } from "@/lib/db/direct";
import { SIGN_IN_LIST_SELECT, toSignInListRow, type SignInListRow } from "./find-sign-ins";

/**
 * One device's newest blocked sign-ins, for its page: those JoinScope tied to the machine (by the device it presented or
 * by its user and time) and those that presented its registration id, newest first. Each is read through its own
 * index, newest first, up to `limit`, and the two merged.
 */
export async function findDeviceSignIns(
  direct: DirectDb,
  options: { tenantRef: string; deviceId: string; limit?: number },
): Promise<{ rows: SignInListRow[]; more: boolean }> {
  const limit = options.limit ?? 10;
  const deviceId = options.deviceId.toLowerCase();
  const read = (column: "machineDeviceId" | "deviceId") =>
    direct.query(
      `SELECT ${SIGN_IN_LIST_SELECT} FROM "SignInEvent" WHERE "tenantRef" = ? AND "${column}" = ? ORDER BY "createdDateTime" DESC, "id" DESC LIMIT ${limit + 1}`,
      [options.tenantRef, deviceId],
    );
  const byId = new Map<string, SignInListRow>();
  for (const r of [...(await read("machineDeviceId")), ...(await read("deviceId"))]) {
    const row = toSignInListRow(r);
    byId.set(row.id, row);
  }
  const rows = [...byId.values()].sort((a, b) =>
    a.createdDateTime < b.createdDateTime ? 1 : a.createdDateTime > b.createdDateTime ? -1 : a.id < b.id ? 1 : -1,
  );
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}
