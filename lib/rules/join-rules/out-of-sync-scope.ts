import { dedupeEvidence } from "@/lib/rules/dedupe-evidence";
import { AGENT_SOURCE, isLive, MINUTE_MS } from "@/lib/rules/join-rules/directory-evidence";
import type { JoinRule } from "@/lib/rules/join-rules/join-rule";
import { buildJoinRejoinSteps } from "@/lib/rules/join-rules/join-rejoin-steps";
import { buildKeyBackupStep } from "@/lib/rules/join-rules/key-backup";
import { fieldEvidence, formatDuration, parseTime } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

/** A DN older than this many agent intervals may predate a move back: Group Policy state lags (it is refreshed at the machine's Group Policy refresh). */
export const FRESH_DN_AGENT_INTERVALS = 3;

/** Entra Connect deletes the cloud object of a computer that leaves its sync scope (docs/domain.md, "Deleted, disabled and out-of-scope objects"). */
export const outOfSyncScopeRule: JoinRule = {
  id: "out-of-sync-scope",
  severity: "critical",
  title: "Computer outside Entra Connect's sync scope",
  description:
    "The domain-joined computer's distinguished name is under no synced container of Entra Connect's domain/OU filtering (or under an excluded one). Connect deletes the cloud object of a computer that leaves the scope (hybrid objects are hard-deleted at once), so the device becomes \"Unregistered\"; a computer that never was in scope cannot complete hybrid join. Runs only when the tenant's sync scope is configured, the DN belongs to a configured forest, and the report is fresh (captured within 3 agent intervals).",
  evaluate(input): Finding[] {
    const { subject, settings, scopeDecision: decision } = input;
    const report = subject.report;
    if (!report || !decision || decision.forest === null || decision.inScope) return [];
    if (report.parsed.domainJoined !== true) return [];
    const capturedMs = parseTime(report.capturedAt);
    const freshMs = FRESH_DN_AGENT_INTERVALS * settings.agentIntervalMinutes * MINUTE_MS;
    if (capturedMs === null || settings.nowMs - capturedMs > freshMs) return [];

    const object = subject.directory;
    const live = isLive(object);
    const joined = report.parsed.azureAdJoined === true;
    const evidence: Evidence[] = dedupeEvidence([
      { source: `${AGENT_SOURCE} · Group Policy state`, field: "Distinguished-Name", value: decision.dn },
      { source: `${AGENT_SOURCE}`, field: "capturedAt", value: report.capturedAt },
      ...(decision.matched?.kind === "exclude"
        ? [{ source: `JoinScope sync scope · forest ${decision.forest}`, field: "excluded container", value: decision.matched.container }]
        : []),
      ...(decision.nearestInclude
        ? [{ source: `JoinScope sync scope · forest ${decision.forest}`, field: "nearest synced container", value: decision.nearestInclude.container }]
        : [{ source: `JoinScope sync scope · forest ${decision.forest}`, field: "synced containers", value: "none matching this DN" }]),
      fieldEvidence(report.parsed, "user", "AzureAdJoined", "Device State", joined ? "YES" : "NO"),
    ]);

    const consequence = !joined
      ? 'Entra Connect does not sync this computer, so no device object is created for it and hybrid join cannot complete (the join fails with 0x801C03F2 "device object not found"); Conditional Access keeps showing it as unregistered.'
      : live
        ? 'Entra Connect deletes the cloud object of a computer that leaves its scope at the next sync cycle (hybrid objects are hard-deleted at once, with their BitLocker keys). The device then fails device authentication and Conditional Access shows "Device State: Unregistered".'
        : 'Entra Connect deleted (or never created) the cloud object because the computer is outside its scope: that is why device authentication fails and Conditional Access shows "Device State: Unregistered".';
    const backup = live ? buildKeyBackupStep(object) : null;
    const target = decision.nearestInclude ? ` (for example ${decision.nearestInclude.container})` : "";
    const remediation = [
      `Confirm the DN in Active Directory (\`Get-ADComputer ${report.hostname.split(".")[0]}\`): the agent reads it from the Group Policy state, which updates at the machine's Group Policy refresh. If the computer was moved out on purpose (retired), nothing else is needed.`,
      ...(backup ? [backup] : []),
      `Move the computer object back to a synced OU${target}, or add its OU to Entra Connect's domain and OU filtering (Connect wizard › Customize synchronization options › Domain and OU filtering).`,
      "On the Entra Connect server run `Start-ADSyncSyncCycle -PolicyType Delta`.",
      ...(joined && !live
        ? [
            "The deleted object does not come back: the sync creates a new Pending object, and the device must re-register:",
            ...buildJoinRejoinSteps({ report: report.parsed, object, objectGone: true }),
          ]
        : joined
          ? ["Check the object still exists after the sync (`/devices(deviceId='…')`) and that the next report shows `DeviceAuthStatus : SUCCESS`."]
          : ["Restart the device and sign in: the Automatic-Device-Join task completes the registration once the object is Pending."]),
    ];

    return [
      {
        rule: "out-of-sync-scope",
        severity: "critical",
        title:
          decision.matched?.kind === "exclude"
            ? `Computer in an excluded OU: ${decision.matched.container}`
            : `Computer outside Entra Connect's sync scope (forest ${decision.forest})`,
        explanation: `The computer's distinguished name ${decision.dn} (reported ${formatDuration(settings.nowMs - capturedMs)} ago) is outside Entra Connect's sync scope: it is ${decision.summary.replace(/^Out of scope: /, "")} ${consequence}`,
        evidence,
        remediation,
      },
    ];
  },
};
