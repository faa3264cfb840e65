import type { ParsedDsregcmd } from "@/lib/reports/types";
import { fieldEvidence, type Capture } from "@/lib/rules/report-fields";
import type { Evidence } from "@/lib/rules/types";

/**
 * `DeviceAuthStatus` lines (Windows 10 21H1+) that say the directory refused the device:
 * `FAILED. Device is either disabled or deleted`. `FAILED. ERROR` only means the check itself could
 * not run (it needs network in the SYSTEM context), so it is not proof and is left out.
 * Both captures are read: the device's state is the same whoever ran dsregcmd.
 */
export function findDeviceAuthFailures(report: ParsedDsregcmd, systemReport?: ParsedDsregcmd | null): Evidence[] {
  const captures: [Capture, ParsedDsregcmd | null | undefined][] = [
    ["user", report],
    ["system", systemReport],
  ];
  const evidence: Evidence[] = [];
  for (const [capture, candidate] of captures) {
    if (candidate?.deviceAuthStatus !== "FAILED") continue;
    const line = fieldEvidence(candidate, capture, "DeviceAuthStatus", "Device Details", "FAILED");
    if (line.value !== null && /^FAILED\W*ERROR\b/i.test(line.value)) continue;
    evidence.push(line);
  }
  return evidence;
}
