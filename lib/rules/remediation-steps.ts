/**
 * How a remediation step is shown to the admin who runs it (issue 23, "Fixes an admin can run"): the commands in it
 * (the `backtick` spans that run in a shell or against Graph, each with a copy button), and whether it changes
 * nothing, changes something that can be reverted, or destroys something that cannot be undone. The rules keep
 * writing steps as sentences (exports, the CSV's `remediation` column and the fingerprints are unchanged); the
 * destructive phrasings are the ones the rules' own step builders use (build-rejoin-steps.ts, join-rules), which the
 * tests check over every rule's output.
 */
export type StepKind = "read-only" | "warning" | "change" | "destructive";

/** Steps that delete an object or a registration: neither comes back as it was (a new object, new keys). */
const DESTRUCTIVE = [
  /`dsregcmd \/leave`/,
  /`dsregcmd \/forcerecovery`/,
  /^Delete the (leftover|old)\b/,
  /\bdisable and (then )?delete\b/i,
  /\bchoose Disconnect\b/,
  /› Disconnect\b/,
  /, and delete it\.$/,
];

/** Steps that only look (audit log, AD, Graph, dsregcmd /status) or back something up: safe to run first. */
const READ_ONLY =
  /^(Find out|Find who|Confirm|Look the device up|Check|Read|Open the|Ask whether|From the device, check|Capture `dsregcmd \/status`|Run `dsregcmd \/status`|This object holds|Also check|The deleted object held|Before changing anything)/;

/** "Do not …" steps warn; they change nothing. */
const WARNING = /^Do not\b/;

export function classifyRemediationStep(step: string): StepKind {
  if (WARNING.test(step)) return "warning";
  if (DESTRUCTIVE.some((pattern) => pattern.test(step))) return "destructive";
  return READ_ONLY.test(step) ? "read-only" : "change";
}

/** A backtick span is a command when it starts with a verb a shell or Graph runs; field values (`AzureAdPrt : YES`) are not. */
const COMMAND =
  /^(dsregcmd|Start-ADSyncSyncCycle|Get-AD\w+|Enable-ADAccount|Set-AD\w+|Get-Mg\w+|Update-Mg\w+|Restore-Mg\w+|Invoke-Mg\w+|Get-LapsAADPassword|manage-bde|BackupToAAD-BitLockerKeyProtector|Invoke-LapsPolicyProcessing|netsh|certutil|gpupdate|klist|(GET|POST|PATCH|DELETE) \/)/;

export function isCommand(span: string): boolean {
  return COMMAND.test(span.trim());
}

/** The commands in a step, in order. */
export function commandsInStep(step: string): string[] {
  return [...step.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter(isCommand);
}
