import { buildRejoinSteps } from "@/lib/rules/build-rejoin-steps";
import type { ReportRule } from "@/lib/rules/report-rule";
import { fieldEvidence, findField } from "@/lib/rules/report-fields";
import type { Evidence, Finding } from "@/lib/rules/types";

function normalizeTenantId(id: string): string {
  return id.trim().replace(/^\{/, "").replace(/\}$/, "").toLowerCase();
}

export const tenantMismatchRule: ReportRule = {
  id: "tenant-mismatch",
  severity: "critical",
  title: "Device registered in another tenant",
  description:
    "The report's TenantId differs (case-insensitively) from the tenant the uploading agent's token belongs to: the device is joined or registered somewhere else, so this tenant's Conditional Access sees it as unregistered.",
  evaluate({ report, expectedTenantId }): Finding[] {
    const expected = expectedTenantId?.trim() || null;
    const actual = report.tenantId?.trim() || null;
    if (!expected || !actual || normalizeTenantId(actual) === normalizeTenantId(expected)) return [];

    // Registered devices print the tenant in their Work Account section as WorkplaceTenantId.
    const key = findField(report, "TenantId") || !findField(report, "WorkplaceTenantId") ? "TenantId" : "WorkplaceTenantId";
    const tenantEvidence = fieldEvidence(report, "user", key, "Tenant Details", actual);
    const evidence: Evidence[] = [{ ...tenantEvidence, expected }];
    if (report.tenantName) evidence.push(fieldEvidence(report, "user", "TenantName", "Tenant Details", report.tenantName));

    const where = report.tenantName ? `${report.tenantName} (${actual})` : actual;
    return [
      {
        rule: "tenant-mismatch",
        severity: "critical",
        title: `Device registered in another tenant: ${where}`,
        explanation: `dsregcmd reports TenantId ${actual}, but this report was uploaded with an agent token for tenant ${expected}. Tokens for this tenant carry no deviceid claim from a registration held elsewhere, so Conditional Access here shows "Device State: Unregistered".`,
        evidence,
        remediation: [
          "Check that the agent on this device was installed with this tenant's agent token; if the token is wrong, reinstall the agent with the right one and nothing on the device needs to change.",
          "For a hybrid device, check the SCP in Active Directory (or the client-side SCP registry values) names this tenant: a wrong SCP sends every new join to the other tenant.",
          ...buildRejoinSteps(report),
        ],
      },
    ];
  },
};
