import { DAY_MS, formatIso, HISTORY_SOURCE, isLive, objectEvidence } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { buildJoinRejoinSteps } from "@/lib/rules/join-rules/join-rejoin-steps";
import { fieldEvidence, formatDuration, parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding, Severity } from "@/lib/rules/types";

/** A Pending object younger than this is a join in progress. */
export const PENDING_GRACE_MS = DAY_MS;
const PENDING_HIGH_MS = 7 * DAY_MS;

/** How long the object has been Pending: from onPremisesLastSyncDateTime, else its "created" change; null when unknown. */
export function pendingSinceIso(input: Parameters<JoinRule["evaluate"]>[0]): string | null {
  const object = input.subject.directory;
  return object?.onPremisesLastSyncDateTime ?? input.subject.history.find((change) => change.kind === "created")?.at ?? null;
}

/**
 * Pending: synced by Entra Connect, registration never completed (https://learn.microsoft.com/entra/identity/devices/how-to-hybrid-join-verify).
 * The network advice follows https://learn.microsoft.com/entra/identity/devices/hybrid-join-plan: an authenticating
 * proxy works when the computer authenticates silently; TLS inspection of the Entra endpoints does not.
 */
export const pendingRegistrationRule: JoinRule = {
  id: "pending-registration",
  severity: "high",
  title: "Hybrid join pending",
  description:
    "The object is Pending (ServerAd, no X509 key, no registrationDateTime): Entra Connect synced the computer but the device never completed registration. Age from onPremisesLastSyncDateTime: info under 1 day (a join in progress), medium under 7 days, high after. High at once when the report says the device is already joined with this deviceId: it will not complete on its own.",
  evaluate(input): Finding[] {
    const { subject, settings } = input;
    const object = subject.directory;
    if (!isLive(object) || !object.isPending) return [];

    const since = pendingSinceIso(input);
    const sinceMs = parseTime(since);
    const age = sinceMs === null ? null : Math.max(0, settings.nowMs - sinceMs);
    const parsed = subject.report?.parsed ?? null;
    const claimsJoined = parsed?.azureAdJoined === true;
    let severity: Severity = age === null ? "medium" : age < PENDING_GRACE_MS ? "info" : age < PENDING_HIGH_MS ? "medium" : "high";
    if (claimsJoined) severity = "high";

    const evidence: Evidence[] = [
      objectEvidence(object, "trustType", object.trustType),
      objectEvidence(object, "registrationDateTime", null),
      objectEvidence(object, "alternativeSecurityIds", "no X509: key"),
      objectEvidence(object, "onPremisesLastSyncDateTime", object.onPremisesLastSyncDateTime),
      ...(object.onPremisesLastSyncDateTime === null && since ? [{ source: `${HISTORY_SOURCE} · ${since}`, field: "created", value: object.objectId }] : []),
      ...(parsed
        ? [fieldEvidence(parsed, "user", "AzureAdJoined", "Device State", parsed.azureAdJoined === null ? null : parsed.azureAdJoined ? "YES" : "NO")]
        : []),
    ];
    const ageText = age === null ? "for an unknown time" : `for ${formatDuration(age)} (since ${formatIso(since)})`;

    if (claimsJoined) {
      return [
        {
          rule: "pending-registration",
          severity,
          title: "Object Pending while the device says it is joined",
          explanation: `The object has been Pending ${ageText}, but dsregcmd says \`AzureAdJoined : YES\` with this deviceId: the device kept a registration whose object was deleted and re-created by Entra Connect (for example after the computer left and re-entered the sync scope). A Pending object holds no certificate, so device authentication fails and Conditional Access shows "Device State: Unregistered" until the device re-registers.`,
          evidence,
          remediation: buildJoinRejoinSteps({ report: parsed, object }),
        },
      ];
    }
    const explanation =
      severity === "info"
        ? `Entra Connect synced this computer ${age === null ? "" : `${formatDuration(age)} ago `}and the Device Registration Service created the Pending object; the device completes the registration at its next restart or sign-in. Until then Conditional Access shows it as unregistered, which is expected during a hybrid join.`
        : `The object has been Pending ${ageText}: Entra Connect synced the computer, but the device never completed the registration, so it has no certificate in Microsoft Entra ID and Conditional Access shows it as unregistered. Devices normally complete within a restart or sign-in of the sync.`;
    return [
      {
        rule: "pending-registration",
        severity,
        title:
          severity === "info"
            ? "Hybrid join in progress (object Pending)"
            : `Hybrid join pending ${age === null ? "(age unknown)" : `for ${formatDuration(age)}`}`,
        explanation,
        evidence,
        remediation: [
          "Restart the device and sign in with a domain account while it can reach a domain controller: the Automatic-Device-Join task runs at logon and completes the registration.",
          "If it stays Pending, run `dsregcmd /status` on the device as SYSTEM (the JoinScope agent's SYSTEM capture) and read the pre-join Diagnostic Data, and the User Device Registration Admin events 304, 305 and 307, for the failing phase.",
          "Check the device reaches enterpriseregistration.windows.net, login.microsoftonline.com and device.login.microsoftonline.com in the SYSTEM context (`netsh winhttp show proxy`). An authenticating proxy is supported when the computer can authenticate to it silently in the SYSTEM context; only TLS inspection of these endpoints must be avoided.",
          "Do not delete the Pending object in Microsoft Entra ID: it is synced, and the next Entra Connect sync would create it again.",
        ],
      },
    ];
  },
};
