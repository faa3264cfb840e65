import type { ParsedDsregcmd } from "@/lib/reports/types";
import { buildRejoinSteps, NEW_OBJECT_WARNING, NEW_OBJECT_WARNING_NO_KEYS } from "@/lib/rules/build-rejoin-steps";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { isAutopilot, isSynced } from "@/lib/rules/join-rules/directory-evidence";
import { buildKeyBackupStep, buildLostKeysStep } from "@/lib/rules/join-rules/key-backup";

/** buildRejoinSteps always opens with an unconditional key-backup step; the join rules replace it with one that knows the object. */
export const GENERIC_BACKUP_PREFIX = "Before changing anything, export";

/** Only the fields buildRejoinSteps reads, for a machine JoinScope knows from the directory alone. */
function reportFromObject(object: DirectoryObject | null): ParsedDsregcmd {
  const trustType = object?.trustType?.toLowerCase();
  const hybrid = trustType === "serverad" || isSynced(object);
  const registered = !hybrid && trustType === "workplace";
  return {
    joinType: hybrid ? "hybrid" : registered ? "registered" : "entra",
    deviceId: object?.deviceId ?? null,
    tenantId: null,
    tenantName: null,
    deviceName: object?.displayName ?? null,
    domainName: null,
    thumbprint: null,
    certValidFrom: null,
    certValidTo: null,
    prtUpdateTime: null,
    prtExpiryTime: null,
    tpmProtected: null,
    azureAdPrt: null,
    azureAdJoined: !registered,
    domainJoined: hybrid,
    workplaceJoined: registered,
    enterpriseJoined: null,
    deviceAuthStatus: null,
    prtAttemptStatus: null,
    prtServerErrorCode: null,
    aadsts: null,
    executingAccount: null,
    sections: [],
  };
}

const IF_DISABLED_PREFIX = "If the object is disabled or out of Entra Connect's sync scope";
const DO_NOT_DELETE_PREFIX = "Do not delete the synced hybrid object";
/** For a hybrid object that is already gone: the one not to delete is the Pending object Connect creates next. */
const GONE_DO_NOT_DELETE =
  "Do not delete the synced hybrid object Entra Connect creates next (it shows as Pending): the device completes its registration on it, and no cloud-side delete unregisters the client. Make changes to the computer object in Active Directory instead.";

export interface JoinRejoinOptions {
  report: ParsedDsregcmd | null;
  object: DirectoryObject | null;
  /** The object is already deleted: no "delete the leftover object" step, and the keys went with a hard delete. */
  objectGone?: boolean;
  /** Soft-deleted objects still hold their keys. */
  softDeleted?: boolean;
}

/**
 * The safe re-join sequence (build-rejoin-steps.ts) with the key-backup step made specific: it names
 * the keys the object holds, asks to check when unknown, and is left out when the object holds none.
 * A synced object always gets the hybrid sequence, which never deletes it in the cloud (docs/domain.md, "Re-joining safely").
 */
export function buildJoinRejoinSteps({ report, object, objectGone = false, softDeleted = false }: JoinRejoinOptions): string[] {
  const base = report ?? reportFromObject(object);
  const subject: ParsedDsregcmd = isSynced(object) ? { ...base, joinType: "hybrid", domainJoined: true } : base;
  // An Autopilot object ([ZTDID]) cannot be re-provisioned once deleted: never advise deleting it
  // (https://learn.microsoft.com/entra/identity/devices/manage-stale-devices).
  const autopilot = object !== null && isAutopilot(object);
  // Advice never contradicts what JoinScope knows: an object that is already gone is neither disabled nor to be
  // deleted, so those steps are left out or say what they mean for the object Entra Connect creates next.
  const steps = buildRejoinSteps(subject)
    .filter(
      (step) =>
        !step.startsWith(GENERIC_BACKUP_PREFIX) &&
        !(objectGone && /^Delete the (leftover|old)/.test(step)) &&
        !(objectGone && step.startsWith(IF_DISABLED_PREFIX)),
    )
    .map((step) =>
      autopilot && /^Delete the (leftover|old)/.test(step)
        ? "Do not delete the old device object: it is a Windows Autopilot registration ([ZTDID]), which cannot be re-provisioned once deleted. Leave it disabled if it is no longer used."
        : step === NEW_OBJECT_WARNING && object?.hasBitlockerKeys === false && object.hasLapsPassword === false
          ? NEW_OBJECT_WARNING_NO_KEYS
          : objectGone && step.startsWith(DO_NOT_DELETE_PREFIX)
            ? GONE_DO_NOT_DELETE
            : step,
    );
  const keyStep = objectGone && !softDeleted ? buildLostKeysStep(object) : buildKeyBackupStep(object);
  return keyStep ? [keyStep, ...steps] : steps;
}
