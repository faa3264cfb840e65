/**
 * A broken device's cause (lib/rules/broken-device.ts) in the words an admin or a change board reads: what is wrong,
 * and the one action that fixes it, each a short phrase (the Overview's breakdown, the Devices list's Cause column,
 * the change-board export). The full steps, with their commands and warnings, stay on the device page's finding.
 */
export interface CauseWords {
  /** What is wrong, a few words. */
  cause: string;
  /** The action that fixes it, one sentence. */
  action: string;
}

const WORDS: Record<string, CauseWords> = {
  "object-deleted": { cause: "Device object deleted in Entra ID", action: "Re-register the device (leave and re-join), then check the new object" },
  "object-disabled": { cause: "Device object disabled in Entra ID", action: "Re-enable the device object (no re-join needed)" },
  "out-of-sync-scope": {
    cause: "Computer outside Entra Connect's sync scope",
    action: "Move the computer back to a synced OU (or add its OU to Connect's filtering), then run a delta sync",
  },
  "thumbprint-mismatch": { cause: "Device certificate not the one Entra ID holds", action: "Re-register the device so Entra ID gets its current key" },
  "alt-security-ids-missing": { cause: "Device key missing on the Entra ID object", action: "Re-register the device so its key is written to the object" },
  "cert-validity-vs-registered": { cause: "Device certificate older than its registration", action: "Re-register the device" },
  "device-key-recovery": { cause: "Device keys unusable (key recovery pending)", action: "Have the user sign in to re-register the keys" },
  "device-auth-failed": { cause: "Device authentication fails", action: "Fix the failure the device page names, then check DeviceAuthStatus" },
  "not-joined": { cause: "Device not joined to Entra ID", action: "Complete the join (hybrid join or Entra join)" },
  "pending-registration": { cause: "Hybrid join never completed (Pending)", action: "Have the user sign in on the device so it completes the registration" },
  "prt-missing": { cause: "No Primary Refresh Token", action: "Fix the PRT failure the device page names, then sign in again" },
  "prt-expired": { cause: "Primary Refresh Token expired", action: "Sign in on the device to renew the PRT" },
  "cert-expired": { cause: "Device certificate expired", action: "Re-register the device" },
  "tenant-mismatch": { cause: "Device registered in another tenant", action: "Leave the other tenant and join this one" },
};

/** The cause's words; a rule without its own (a new rule) reads as its title, else its id without hyphens. */
export function causeWords(rule: string, title?: string | null): CauseWords {
  return WORDS[rule] ?? { cause: title || rule.replaceAll("-", " "), action: "See the device page for the fix" };
}
