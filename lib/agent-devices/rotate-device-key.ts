import "server-only";
import type { Db } from "@/lib/db/client";
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
  | { ok: true; agentId: string; deviceKey: string }
  | { ok: false; error: { code: "machine-key-mismatch" | "invalid-key"; message: string } };

/**
 * Gives an enrolled device a new key (decision 011): the presented key becomes the previous one, valid 24 h more. The
 * machine key must be the one the device enrolled with, so a device key taken from a machine cannot rotate itself away
 * from it. The new key is returned once; only its hash is stored.
 */
export async function rotateDeviceKey(db: Db, options: RotateDeviceKeyOptions): Promise<RotateDeviceKeyResult> {
  const now = options.now ?? new Date();
  const deviceKey = generateDeviceKey();
  return db.$transaction(async (tx) => {
    const device = await tx.agentDevice.findUnique({ where: { id: options.deviceRef }, select: { id: true, machineKeyHash: true } });
    if (!device || !sameHash(device.machineKeyHash, hashAgentSecret(options.machineKey))) {
      return {
        ok: false as const,
        error: { code: "machine-key-mismatch" as const, message: "The machine key is not the one this device enrolled with." },
      };
    }
    // Only while the presented key is still this device's, and the device is not revoked: a re-enrolment or a
    // revocation that committed since the key was read wins.
    const { count } = await tx.agentDevice.updateMany({
      where: { id: device.id, revokedAt: null, OR: [{ keyHash: options.presentedKeyHash }, { previousKeyHash: options.presentedKeyHash }] },
      data: {
        keyHash: hashAgentSecret(deviceKey),
        keyPrefix: deviceKeyPrefix(deviceKey),
        keyIssuedAt: now,
        previousKeyHash: options.presentedKeyHash,
        previousKeyExpiresAt: new Date(now.getTime() + PREVIOUS_KEY_GRACE_MS),
        rotateRequestedAt: null,
        rotateRequestedBy: null,
        lastSeenAt: now,
      },
    });
    if (count === 0) {
      return { ok: false as const, error: { code: "invalid-key" as const, message: "The device key is no longer valid; enrol again with the machine key." } };
    }
    return { ok: true as const, agentId: device.id, deviceKey };
  });
}
