import type { DirectoryHistory, DirectoryObject } from "@/lib/rules/device-subject";
import { DAY_MS, detailString, formatIso, HISTORY_SOURCE, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import { parseTime } from "@/lib/rules/report-fields";
import type { Evidence } from "@/lib/rules/types";

/** Soft-deleted (preview) devices stay restorable this long (https://learn.microsoft.com/entra/identity/devices/concept-soft-delete-devices). */
export const SOFT_DELETE_RETENTION_DAYS = 30;

export type DeletedBy = "entra-connect" | "admin-or-automation" | "soft-delete" | "unknown";

export interface DeletionDescription {
  /** ISO time JoinScope noticed the deletion, or null when it never saw the object. */
  at: string | null;
  /** How: hard delete, soft delete (restorable), or missing after a full resync (time approximate). */
  reason: string | null;
  deletedBy: DeletedBy;
  /** One sentence: who most likely removed it and why JoinScope thinks so. */
  who: string;
  /** Soft-deleted and still within the retention window (at `nowMs`). */
  restorable: boolean;
  restorableUntil: string | null;
  /** Disabled before it was deleted: the stale-device clean-up pattern. */
  disabledBefore: string | null;
  evidence: Evidence[];
}

/**
 * When the object disappeared and who most likely removed it, from DirectoryDevice.deletedAt /
 * deletedReason and the DirectoryChange rows. `history` must be in ascending time order.
 */
export function describeDeletion(object: DirectoryObject | null, history: DirectoryHistory, nowMs: number): DeletionDescription {
  const deletions = history.filter((change) => change.kind === "deleted");
  const lastDeletion = deletions[deletions.length - 1] ?? null;
  const at = object?.deletedAt ?? lastDeletion?.at ?? null;
  const reason = object?.deletedReason ?? (lastDeletion ? detailString(lastDeletion, "reason") : null);
  const atMs = parseTime(at);
  const disabled = history.filter((change) => change.kind === "disabled" && (atMs === null || (parseTime(change.at) ?? Infinity) <= atMs));
  const disabledBefore = disabled[disabled.length - 1]?.at ?? null;

  const hybrid = object?.trustType === "ServerAd";
  const synced = object?.onPremisesSyncEnabled === true;
  let deletedBy: DeletedBy;
  let who: string;
  if (!object) {
    deletedBy = "unknown";
    who =
      "JoinScope never saw a directory object with this deviceId, so it was deleted before JoinScope's first sync (or the registration never completed in this tenant); who removed it is unknown.";
  } else if (reason === "changed" && !hybrid && !synced) {
    deletedBy = "soft-delete";
    who = `Deleted in the cloud (soft delete): restorable for ${SOFT_DELETE_RETENTION_DAYS} days (preview).`;
  } else if (synced && hybrid) {
    deletedBy = "entra-connect";
    who = "Most likely Azure AD Connect (Microsoft Entra Connect): the computer left the sync scope, or its userCertificate was removed.";
  } else if (!synced) {
    deletedBy = "admin-or-automation";
    who = disabledBefore
      ? `An admin or an automation deleted it; it was disabled first (${formatIso(disabledBefore) ?? disabledBefore}), which is the stale-device clean-up pattern.`
      : "An admin or an automation deleted it.";
  } else {
    deletedBy = "unknown";
    who = "The object was synced from Active Directory, so Entra Connect or an admin may have removed it.";
  }

  // Hybrid joined (synced) objects are hard-deleted at once, whatever JoinScope noticed: never restorable
  // (https://learn.microsoft.com/entra/identity/devices/concept-soft-delete-devices).
  const restorableUntilMs = deletedBy === "soft-delete" && atMs !== null ? atMs + SOFT_DELETE_RETENTION_DAYS * DAY_MS : null;
  const evidence: Evidence[] = [];
  if (object?.deletedAt) evidence.push(objectEvidence(object, "deletedAt (noticed by JoinScope)", object.deletedAt));
  if (object?.deletedReason) evidence.push(objectEvidence(object, "deletedReason", object.deletedReason));
  if (lastDeletion && !object?.deletedAt) {
    evidence.push({ source: `${HISTORY_SOURCE} · ${lastDeletion.at}`, field: "deleted", value: detailString(lastDeletion, "reason") });
  }
  if (disabledBefore) evidence.push({ source: `${HISTORY_SOURCE} · ${disabledBefore}`, field: "disabled", value: "accountEnabled = false" });
  if (object?.onPremisesSyncEnabled !== null && object?.onPremisesSyncEnabled !== undefined) {
    evidence.push(objectEvidence(object, "onPremisesSyncEnabled", String(object.onPremisesSyncEnabled)));
  }
  if (object?.trustType) evidence.push(objectEvidence(object, "trustType", object.trustType));
  if (reason === "missing-after-full-sync") {
    who = `${who} JoinScope noticed it missing after a full resync (the delta token had expired), so the deletion happened some time before ${formatIso(at) ?? "then"}.`;
  }

  return {
    at,
    reason,
    deletedBy,
    who,
    restorable: restorableUntilMs !== null && restorableUntilMs > nowMs,
    restorableUntil: restorableUntilMs === null ? null : new Date(restorableUntilMs).toISOString(),
    disabledBefore,
    evidence,
  };
}
