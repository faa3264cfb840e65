import { prtVisibility } from "@/lib/rules/capture-context";
import { classifyPrtFailure } from "@/lib/rules/classify-prt-failure";
import { buildPrtRemediation, describeAttemptOwnership, describeCodes, PRT_CAUSE_EXPLANATIONS } from "@/lib/rules/prt-remediation";
import type { ReportRule } from "@/lib/rules/report-rule";
import { fieldEvidence, yesNo } from "@/lib/rules/report-fields";
import { dedupeEvidence } from "@/lib/rules/dedupe-evidence";
import type { Finding } from "@/lib/rules/types";

export const prtMissingRule: ReportRule = {
  id: "prt-missing",
  severity: "high",
  title: "No Primary Refresh Token",
  description:
    'AzureAdPrt is NO in a report of a joined device whose PRT state is known (not SYSTEM, another account or a local account). Without a PRT no token carries the deviceid claim, so Conditional Access shows "Device State: Unregistered". The title names the likely cause (the ordered classifier of docs/domain.md, "The PRT rules": first match wins); a local account\'s missing PRT is expected and reported as info.',
  evaluate({ report, systemReport, events }): Finding[] {
    // AzureAdPrt is the Entra joined / hybrid joined device's PRT: a registered-only device's work account keeps its
    // tokens in WAM, so its SSO State says nothing (https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd).
    if (report.azureAdPrt !== false || report.azureAdJoined !== true) return [];
    // AzureAdPrt : NO is normal as SYSTEM, another account or a local account: user-context-not-captured says so
    // instead. An elevated capture by the user is judged (capture-context.ts prtVisibility).
    const visibility = prtVisibility(report);
    if (!visibility.known) return [];
    const context = visibility.context;

    const classification = classifyPrtFailure({ report, systemReport, events });
    const joined = report.azureAdJoined === true;
    const evidence = dedupeEvidence([
      fieldEvidence(report, "user", "AzureAdPrt", "SSO State", "NO"),
      joined
        ? fieldEvidence(report, "user", "AzureAdJoined", "Device State", yesNo(report.azureAdJoined))
        : fieldEvidence(report, "user", "WorkplaceJoined", "User State", yesNo(report.workplaceJoined)),
      ...(report.executingAccount ? [fieldEvidence(report, "user", "Executing Account Name", "Diagnostic Data", report.executingAccount)] : []),
      ...classification.evidence,
    ]);

    if (classification.cause === "local-account") {
      return [
        {
          rule: "prt-missing",
          severity: "info",
          title: `No Primary Refresh Token: ${classification.label}`,
          explanation: `AzureAdPrt is NO. ${PRT_CAUSE_EXPLANATIONS["local-account"]} Conditional Access is not affected for work accounts on this device.`,
          evidence,
          remediation: buildPrtRemediation(classification, report),
        },
      ];
    }

    const who = context.account.upn ?? context.account.name ?? "the signed-in user";
    const state = joined ? "`AzureAdJoined : YES`" : "`WorkplaceJoined : YES`";
    const explanation = [
      `AzureAdPrt is NO for ${who}. Without a Primary Refresh Token Windows cannot give apps tokens with the device's deviceid claim, so Conditional Access shows "Device State: Unregistered" even though dsregcmd says ${state}.`,
      PRT_CAUSE_EXPLANATIONS[classification.cause],
      describeCodes(classification.codes),
      classification.fromAttemptDiagnostics ? describeAttemptOwnership(report) : "",
    ]
      .filter((part) => part !== "")
      .join(" ");

    return [
      {
        rule: "prt-missing",
        severity: "high",
        title: `No Primary Refresh Token: ${classification.label}`,
        explanation,
        evidence,
        remediation: buildPrtRemediation(classification, report),
      },
    ];
  },
};
