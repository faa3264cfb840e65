import "server-only";
import type { DirectDb } from "@/lib/db/direct";
import { deviceKeyPrefix, generateDeviceKey, hashAgentSecret, sameHash } from "./device-key-format";

/** How long the key a device rotated away from stays valid: a lost answer does not lock the device out. */
export const PREVIOUS_KEY_GRACE_MS = 24 * 60 * 60 * 1000;

export interface RotateDeviceKeyOptions {
  deviceRef: string;
  /** The stored form of the key the request authenticated with (current, or previous within its grace). */
  presentedKeyHash: string;
  machineKey: string;
  now?: Date;
}

export type RotateDeviceKeyResult =
  { ok: true; agentId: string; deviceKey: string } | { ok: false; error: { code: "machine-key-mismatch" | "invalid-key"; message: string } };

/**
 * Gives an enrolled device a new key (decision 011): the presented key becomes the previous one, valid 24 h more. The
 * machine key must be the one the device enrolled with, so a device key taken from a machine cannot rotate itself away
 * from it. The new key is returned once; only its hash is stored. Through the direct path, as enrolment (see
 * enrol-agent-device.ts): one UPDATE whose WHERE re-checks that the presented key is still the device's.
 */
export async function rotateDeviceKey(direct: DirectDb, options: RotateDeviceKeyOptions): Promise<RotateDeviceKeyResult> {
  const now = options.now ?? new Date();
  const [device] = await direct.query<{ machineKeyHash: string }>(`SELECT "machineKeyHash" FROM "AgentDevice" WHERE "id" = ?`, [options.deviceRef]);
  if (!device || !sameHash(device.machineKeyHash, hashAgentSecret(options.machineKey))) {
    return { ok: false, error: { code: "machine-key-mismatch", message: "The machine key is not the one this device enrolled with." } };
  }
  const deviceKey = generateDeviceKey();
  // Only while the presented key is still this device's and the device is not revoked: a re-enrolment or a revocation
  // that committed since the key was read wins.
  const [changed] = await direct.batch([
    {
      sql: `UPDATE "AgentDevice" SET "keyHash" = ?, "keyPrefix" = ?, "keyIssuedAt" = ?, "previousKeyHash" = ?, "previousKeyExpiresAt" = ?,
              "rotateRequestedAt" = NULL, "rotateRequestedBy" = NULL, "lastSeenAt" = ?
            WHERE "id" = ? AND "revokedAt" IS NULL AND ("keyHash" = ? OR "previousKeyHash" = ?)`,
      params: [
        hashAgentSecret(deviceKey),
        deviceKeyPrefix(deviceKey),
        now,
        options.presentedKeyHash,
        new Date(now.getTime() + PREVIOUS_KEY_GRACE_MS),
        now,
        options.deviceRef,
        options.presentedKeyHash,
        options.presentedKeyHash,
      ],
    },
  ]);
  if (changed === 0) {
    return { ok: false, error: { code: "invalid-key", message: "The device key is no longer valid; enrol again with the machine key." } };
  }
  return { ok: true, agentId: options.deviceRef, deviceKey };
}
