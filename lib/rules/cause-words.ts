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
  /** What the action risks, for a change board: low (nothing is lost), medium or high (a registration is replaced). */
  risk: string;
}

const REJOIN = "Medium: the device's registration is replaced; back up its BitLocker keys first, the user signs in again";

const WORDS: Record<string, CauseWords> = {
  "object-deleted": {
    cause: "Device object deleted in Entra ID",
    action: "Re-register the device (leave and re-join), then check the new object",
    risk: "Medium: a new registration; the deleted object's BitLocker keys and LAPS password are gone with it",
  },
  "object-disabled": {
    cause: "Device object disabled in Entra ID",
    action: "Re-enable the device object (no re-join needed)",
    risk: "Low: re-enables the object; nothing on the device changes",
  },
  "out-of-sync-scope": {
    cause: "Computer outside Entra Connect's sync scope",
    action: "Move the computer back to a synced OU (or add its OU to Connect's filtering), then run a delta sync",
    risk: "Low: an OU move or a sync filter change; check nothing else moves with it",
  },
  "thumbprint-mismatch": {
    cause: "Device certificate not the one Entra ID holds",
    action: "Re-register the device so Entra ID gets its current key",
    risk: REJOIN,
  },
  "alt-security-ids-missing": {
    cause: "Device key missing on the Entra ID object",
    action: "Re-register the device so its key is written to the object",
    risk: REJOIN,
  },
  "cert-validity-vs-registered": { cause: "Device certificate older than its registration", action: "Re-register the device", risk: REJOIN },
  "device-key-recovery": {
    cause: "Device keys unusable (key recovery pending)",
    action: "Have the user sign in to re-register the keys",
    risk: "Low: the user's next sign-in re-registers the keys",
  },
  "device-auth-failed": {
    cause: "Device authentication fails",
    action: "Fix the failure the device page names, then check DeviceAuthStatus",
    risk: "Depends on the failure the device page names",
  },
  "not-joined": {
    cause: "Device not joined to Entra ID",
    action: "Complete the join (hybrid join or Entra join)",
    risk: "Low: completes a join that never finished",
  },
  "pending-registration": {
    cause: "Hybrid join never completed (Pending)",
    action: "Have the user sign in on the device so it completes the registration",
    risk: "Low: the registration completes at the user's next sign-in",
  },
  "prt-missing": {
    cause: "No Primary Refresh Token",
    action: "Fix the PRT failure the device page names, then sign in again",
    risk: "Depends on the failure the device page names",
  },
  "prt-expired": { cause: "Primary Refresh Token expired", action: "Sign in on the device to renew the PRT", risk: "Low: a sign-in renews it" },
  "cert-expired": { cause: "Device certificate expired", action: "Re-register the device", risk: REJOIN },
  "tenant-mismatch": {
    cause: "Device registered in another tenant",
    action: "Leave the other tenant and join this one",
    risk: "High: the device leaves the other tenant; its data and policies there go with it",
  },
};

/**
 * The cause's words; a rule without its own (a new rule) reads as its title, else its id without hyphens. Own keys
 * only: the cause can come from the URL (`?cause=toString`).
 */
export function causeWords(rule: string, title?: string | null): CauseWords {
  if (Object.hasOwn(WORDS, rule)) return WORDS[rule]!;
  return { cause: title || rule.replaceAll("-", " "), action: "See the device page for the fix", risk: "See the device page" };
}
