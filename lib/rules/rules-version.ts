/**
 * The version of the rules' behaviour. Bump it when a change to a rule would change findings on existing data (a
 * condition, a severity, a title, evidence or remediation text): every tenant whose findings were last evaluated with
 * an older version is re-evaluated in full at the scheduler's next tick (or at its next upload) instead of waiting for
 * the periodic pass. Tenant.rulesVersion records the version of each tenant's last full pass.
 *
 * 1: duplicate-device matches names for Windows objects only (phones and Macs share names), by their first DNS label
 *    in any case, in incremental passes as in full ones.
 * 2: rule correctness (docs/domain.md): elevated captures are judged, PRT rules only for joined devices, registered-only
 *    domain computers are not-joined, device-key-recovery and stale-while-active, thumbprint consistency, re-join
 *    sequences as Microsoft documents them, no restore for hybrid objects.
 * 3: each finding stores whether it is its device's primary finding, the primary it follows from and the severity lists
 *    rank it by (Finding.isPrimary, explainedBy, rankSeverity): the migration adds them (rankSeverity a copy of severity),
 *    the full pass this version triggers writes them.
 * 4: re-join steps for an object known to be gone no longer say "if the object is disabled" nor "do not delete the
 *    synced object" about it (they name the Pending object Entra Connect creates next); complete commands with the
 *    device's ids (Enable-ADAccount / Update-MgDevice for a disabled object, Get-MgDevice for the lookup, the BitLocker
 *    and LAPS cmdlets in the key-backup step).
 */
export const RULES_VERSION = 4;
