import type { ReportRule } from "@/lib/rules/report-rule";
import { fieldEvidence } from "@/lib/rules/report-fields";
import type { Finding } from "@/lib/rules/types";

export const tpmNotProtectedRule: ReportRule = {
  id: "tpm-not-protected",
  severity: "info",
  title: "Device key not protected by a TPM",
  description:
    "TpmProtected is NO: the device key is a software key (for example after the 1809+ fallback when the TPM failed during join). Registration still works; the key is just easier to copy.",
  evaluate({ report }): Finding[] {
    if (report.tpmProtected !== false) return [];
    const evidence = [fieldEvidence(report, "user", "TpmProtected", "Device Details", "NO")];
    const provider = fieldEvidence(report, "user", "KeyProvider", "Device Details", null);
    if (provider.value) evidence.push(provider);
    return [
      {
        rule: "tpm-not-protected",
        severity: "info",
        title: "Device key not protected by a TPM",
        explanation:
          'The device key is held in software rather than in a TPM. This does not make Conditional Access show "Device State: Unregistered"; it only means the key could be exported, and policies that require TPM-bound keys will not be met.',
        evidence,
        remediation: [
          "Check the TPM on the device (`Get-Tpm` or tpm.msc): present, enabled and ready, firmware up to date.",
          "If the TPM is healthy now and a TPM-bound key matters, re-register the device later in a planned window, backing up BitLocker recovery keys and the LAPS password first.",
        ],
      },
    ];
  },
};
