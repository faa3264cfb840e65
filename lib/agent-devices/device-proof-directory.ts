import "server-only";
/**
 * The directory half of a device proof (decision 042): the certificate that signed it must be one the device object
 * holds. Entra ID keeps each registered device's certificate as an X509 entry of alternativeSecurityIds (its SHA-1
 * thumbprint, decoded at sync into `thumbprint`, more than one after an in-place re-registration), and only the device
 * registration service writes them. The object must be live and enabled, and its name the enrolling hostname's.
 */
import { readBool, readJson, type DirectDb } from "@/lib/db/direct";
import { extraThumbprintsFromAlternativeSecurityIds, type AlternativeSecurityId } from "@/lib/graph/alternative-security-ids";
import { shortName } from "@/lib/rules/join-rules/directory-evidence";

export type DirectoryProofFailure = "device-not-in-directory" | "device-deleted-or-disabled" | "thumbprint-not-in-directory" | "hostname-not-device-name";

export type DirectoryProofCheck = { ok: true; objectId: string } | { ok: false; reason: DirectoryProofFailure };

const FAILURE_TEXT: Record<DirectoryProofFailure, string> = {
  "device-not-in-directory": "no device object with this registration id has been synced from Microsoft Graph yet",
  "device-deleted-or-disabled": "the device object is deleted or disabled in Entra ID",
  "thumbprint-not-in-directory": "the certificate is not one the device object holds in alternativeSecurityIds",
  "hostname-not-device-name": "the hostname is not the device object's display name",
};

export function describeDirectoryProofFailure(reason: DirectoryProofFailure): string {
  return FAILURE_TEXT[reason];
}

type Row = {
  objectId: string;
  displayName: string | null;
  accountEnabled: unknown;
  deletedAt: unknown;
  thumbprint: string | null;
  alternativeSecurityIds: unknown;
};

export async function checkProofAgainstDirectory(
  direct: DirectDb,
  tenantRef: string,
  claim: { deviceId: string; thumbprint: string; hostname: string },
): Promise<DirectoryProofCheck> {
  const rows = await direct.query<Row>(
    `SELECT "objectId", "displayName", "accountEnabled", "deletedAt", "thumbprint", "alternativeSecurityIds"
       FROM "DirectoryDevice" WHERE "tenantRef" = ? AND "deviceId" = ?`,
    [tenantRef, claim.deviceId],
  );
  if (rows.length === 0) return { ok: false, reason: "device-not-in-directory" };
  const live = rows.filter((row) => row.deletedAt == null && readBool(row.accountEnabled) !== false);
  if (live.length === 0) return { ok: false, reason: "device-deleted-or-disabled" };
  const holding = live.filter((row) => holdsThumbprint(row, claim.thumbprint));
  if (holding.length === 0) return { ok: false, reason: "thumbprint-not-in-directory" };
  const named = holding.find((row) => shortName(row.displayName) === shortName(claim.hostname));
  if (!named) return { ok: false, reason: "hostname-not-device-name" };
  return { ok: true, objectId: named.objectId };
}

function holdsThumbprint(row: Row, thumbprint: string): boolean {
  if (row.thumbprint?.toUpperCase() === thumbprint) return true;
  const ids = readJson<AlternativeSecurityId[]>(row.alternativeSecurityIds);
  return (extraThumbprintsFromAlternativeSecurityIds(Array.isArray(ids) ? ids : null) ?? []).includes(thumbprint);
}
