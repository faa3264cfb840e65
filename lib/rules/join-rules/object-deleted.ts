import { isJoinedOrRegistered, fieldEvidence, formatTime, parseTime, yesNo } from "@/lib/rules/report-fields";
import { dedupeEvidence } from "@/lib/rules/dedupe-evidence";
import { findDeviceAuthFailures } from "@/lib/rules/device-auth-status";
import { describeDeletion } from "@/lib/rules/join-rules/describe-deletion";
import { describeObject, formatIso, objectSource } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { buildJoinRejoinSteps } from "@/lib/rules/join-rules/join-rejoin-steps";
import { deviceIdEvidence } from "@/lib/rules/join-rules/subject-facts";
import type { Evidence, Finding } from "@/lib/rules/types";

const normalizeTenantId = (id: string) =>
  id
    .trim()
    .replace(/^\{|\}$/g, "")
    .toLowerCase();

/**
 * A deleted object cannot authenticate. Soft-deleted Entra joined and registered objects are restorable for 30 days
 * through Graph only (no portal view during the preview), and hybrid joined objects are hard-deleted at once
 * (https://learn.microsoft.com/entra/identity/devices/concept-soft-delete-devices; docs/domain.md, "Deleted, disabled
 * and out-of-scope objects").
 */
export const objectDeletedRule: JoinRule = {
  id: "object-deleted",
  severity: "critical",
  title: "Device object deleted",
  description:
    'The report says the device is joined or registered, but Microsoft Entra ID has no live object with its deviceId (never synced, or deleted: hard delete, soft delete, or missing after a full resync). Device authentication fails, so no PRT is issued and Conditional Access shows "Device State: Unregistered". Not raised for a registration newer than the last directory sync, nor for a report from another tenant (tenant-mismatch).',
  evaluate(input): Finding[] {
    const { subject, settings } = input;
    const report = subject.report;
    const parsed = report?.parsed;
    if (!report || !parsed || !parsed.deviceId || !isJoinedOrRegistered(parsed)) return [];
    if (parsed.tenantId && normalizeTenantId(parsed.tenantId) !== normalizeTenantId(subject.tenantId)) return [];
    const object = subject.directory;
    if (object && object.deletedAt === null) return [];
    if (!object) {
      // Without a directory snapshot newer than the registration, "missing" may only mean "not synced yet".
      const syncedMs = parseTime(settings.directorySyncedAt);
      if (syncedMs === null) return [];
      const registeredMs = parseTime(parsed.certValidFrom) ?? parseTime(report.systemParsed?.certValidFrom);
      if (registeredMs !== null && registeredMs >= syncedMs) return [];
    }

    const deletion = describeDeletion(object, subject.history, settings.nowMs);
    const joined = parsed.azureAdJoined === true;
    const stateLine = joined ? "`AzureAdJoined : YES`" : "`WorkplaceJoined : YES`";
    const scope = input.scopeDecision;
    const outOfScope = scope !== null && scope.forest !== null && !scope.inScope && parsed.domainJoined === true;

    const evidence: Evidence[] = dedupeEvidence([
      deviceIdEvidence(parsed),
      joined
        ? fieldEvidence(parsed, "user", "AzureAdJoined", "Device State", yesNo(parsed.azureAdJoined))
        : fieldEvidence(parsed, "user", "WorkplaceJoined", "User State", yesNo(parsed.workplaceJoined)),
      ...findDeviceAuthFailures(parsed, report.systemParsed),
      ...(object
        ? [{ source: objectSource(object), field: "objectId", value: object.objectId }]
        : [{ source: "Entra ID devices (JoinScope's last directory sync)", field: "deviceId", value: null, expected: parsed.deviceId }]),
      ...deletion.evidence,
      ...(outOfScope ? [{ source: "JoinScope agent · Group Policy state", field: "Distinguished-Name", value: scope.dn }] : []),
      ...subject.candidates.map((candidate) => ({
        source: `${objectSource(candidate, false)} · same hostname, another deviceId (not a match)`,
        field: "deviceId",
        value: `${candidate.deviceId ?? "(none)"} · ${describeObject(candidate)}`,
      })),
    ]);

    const when = deletion.at ? ` JoinScope noticed it gone on ${formatIso(deletion.at) ?? deletion.at}.` : "";
    const scopeNote = outOfScope ? ` The computer's DN (${scope.dn}) is outside Entra Connect's sync scope, which explains the deletion.` : "";
    const candidateNote =
      subject.candidates.length > 0
        ? ` ${subject.candidates.length === 1 ? "Another object has" : `${subject.candidates.length} other objects have`} this machine's name but a different deviceId; the device does not use ${subject.candidates.length === 1 ? "it" : "them"}, because it still presents ${parsed.deviceId}.`
        : "";
    const title =
      deletion.deletedBy === "soft-delete"
        ? deletion.restorable && deletion.restorableUntil
          ? `Device object deleted (restorable until ${formatTime(Date.parse(deletion.restorableUntil))})`
          : "Device object deleted (soft delete)"
        : deletion.deletedBy === "entra-connect"
          ? "Device object deleted, most likely by Entra Connect"
          : deletion.deletedBy === "admin-or-automation"
            ? "Device object deleted by an admin or automation"
            : object
              ? "Device object deleted"
              : "No device object with this deviceId";

    const remediation: string[] = [];
    if (deletion.restorable && object) {
      remediation.push(
        `Restore the object before ${formatIso(deletion.restorableUntil) ?? "the 30 days run out"} through Microsoft Graph (during the soft-delete preview the portal has no view of deleted devices): \`POST /beta/directory/deletedItems/${object.objectId}/restore\`. Restoring brings back the registration with its key, BitLocker recovery keys and LAPS password, so the device needs no re-join; then lock and unlock the session and capture \`dsregcmd /status\` again. The restored object stays non-compliant until the device checks in with Intune again (sync it from Company Portal or Settings › Accounts › Access work or school › Info › Sync).`,
      );
    }
    if (deletion.deletedBy === "entra-connect" || outOfScope || (parsed.domainJoined === true && deletion.deletedBy === "unknown")) {
      remediation.push(
        "Find out why Entra Connect stopped syncing the computer: check its OU in Active Directory against Connect's domain and OU filtering, and that its userCertificate attribute is still populated. Move it back (or fix the filter) in Active Directory; the next sync creates a new Pending object for it.",
      );
    }
    if (deletion.deletedBy === "admin-or-automation" || deletion.deletedBy === "soft-delete") {
      remediation.push(
        'Find who deleted it in the Microsoft Entra audit log (activity "Delete device") and stop any clean-up automation from deleting devices that are still in use.',
      );
    }
    remediation.push(
      ...(deletion.restorable ? ["If restoring is not possible, re-register the device:"] : []),
      ...buildJoinRejoinSteps({
        report: parsed,
        object,
        objectGone: true,
        softDeleted: deletion.deletedBy === "soft-delete",
      }),
    );

    return [
      {
        rule: "object-deleted",
        severity: "critical",
        title,
        explanation: `dsregcmd still says ${stateLine} with DeviceId ${parsed.deviceId}, but Microsoft Entra ID has no live object with that deviceId.${when} The device keeps its local registration, so device authentication fails (AADSTS50155 / 700003), no PRT carries the deviceid claim and Conditional Access shows "Device State: Unregistered". ${deletion.who}${scopeNote}${candidateNote}`,
        evidence,
        remediation,
      },
    ];
  },
};
