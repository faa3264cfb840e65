import type { CaptureTime } from "@/lib/rules/capture-time";
import type { AgentEvent, ParsedDsregcmd } from "@/lib/reports/types";
import type { SyncScope } from "@/lib/rules/sync-scope";

/**
 * The inputs of the join rules: everything JoinScope knows about one machine, as plain data
 * (dates are ISO 8601 strings) so the rules stay pure and the same input always gives the same findings.
 */

/** How JoinScope noticed an object was gone (DirectoryDevice.deletedReason). */
export type DeletedReason = "deleted" | "changed" | "missing-after-full-sync";

/**
 * One Microsoft Entra ID device object as the sync stored it (lib/sync/map-graph-device.ts), plus
 * what JoinScope learnt about it: BitLocker / LAPS presence and deletion.
 */
export interface DirectoryObject {
  /** Graph `id`: the directory object id (DELETE / PATCH use it). */
  objectId: string;
  /** Graph `deviceId`: the registration id dsregcmd prints (lower-case GUID). */
  deviceId: string | null;
  displayName: string | null;
  accountEnabled: boolean | null;
  /** `Workplace` | `AzureAd` | `ServerAd` */
  trustType: string | null;
  profileType: string | null;
  registrationDateTime: string | null;
  approximateLastSignInDateTime: string | null;
  operatingSystem: string | null;
  operatingSystemVersion: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesLastSyncDateTime: string | null;
  physicalIds: string[] | null;
  /** SHA-1 thumbprint decoded from the `X509:` alternativeSecurityId: 40 upper-case hex, or null. */
  thumbprint: string | null;
  /** Every X509 thumbprint when the object holds more than one key (the first is `thumbprint`); absent otherwise. */
  thumbprints?: readonly string[] | null;
  /** True when alternativeSecurityIds holds an `X509:` key (hasX509AlternativeSecurityId). */
  hasX509: boolean;
  /** The `[HWID]` physical id: groups one machine's objects. */
  hardwareId: string | null;
  /** ServerAd, no X509 key, no registrationDateTime: synced by Connect, registration never completed. */
  isPending: boolean;
  /** null = unknown (JoinScope could not read BitLocker keys, e.g. no BitlockerKey.ReadBasic.All). */
  hasBitlockerKeys: boolean | null;
  /** null = unknown (no DeviceLocalCredential.ReadBasic.All). */
  hasLapsPassword: boolean | null;
  /** When JoinScope noticed the object was gone, or null while it exists. */
  deletedAt: string | null;
  deletedReason: DeletedReason | (string & {}) | null;
  isManaged: boolean | null;
  isCompliant: boolean | null;
  mdmAppId: string | null;
}

export type DirectoryChangeKind = "created" | "changed" | "deleted" | "restored" | "cert-rotated" | "disabled" | "enabled";

/** One DirectoryChange row of this object (DirectoryChange.detail is stored JSON, e.g. `{ reason: "deleted" }`). */
export interface DirectoryChange {
  kind: DirectoryChangeKind | (string & {});
  at: string;
  detail?: unknown;
}

/** The changes JoinScope recorded for the subject's directory object, in any order. */
export type DirectoryHistory = DirectoryChange[];

/** The machine's latest report (DeviceReport row). */
export interface DeviceSubjectReport {
  /** The capture in the user's session (DeviceReport.parsed). */
  parsed: ParsedDsregcmd;
  /** The agent's SYSTEM capture (DeviceReport.systemParsed). */
  systemParsed?: ParsedDsregcmd | null;
  capturedAt: string;
  /**
   * How the capture time was known, when it was not the agent's upload (capture-time.ts): the CLI and the paste box.
   * With `at: null` capturedAt is only the evaluation time, and the PRT rules are given no capture time.
   */
  captureTime?: CaptureTime;
  receivedAt: string;
  hostname: string;
  /** The computer's AD distinguished name as the agent read it (Group Policy state; may lag). */
  computerDn?: string | null;
  /** The AD computer objectGUID: a domain-only report has no DeviceId, and a hybrid object's deviceId is this GUID. */
  objectGuid?: string | null;
  events?: AgentEvent[];
}

export interface DeviceSubject {
  /** The Microsoft Entra tenant id (GUID) the report should belong to: tenant-mismatch compares with it. */
  tenantId: string;
  report: DeviceSubjectReport | null;
  /**
   * The object whose deviceId equals report.deviceId (for a domain-only report: the ServerAd object whose
   * deviceId equals report.objectGuid), including a deleted one. Null when there is none.
   */
  directory: DirectoryObject | null;
  /** Changes recorded for `directory` (by objectId or deviceId). */
  history: DirectoryHistory;
  /**
   * Other objects of the same machine (live and deleted): those isSameMachine (join-rules/duplicate-device.ts)
   * accepts: same hardwareId, or, for Windows objects whose hardware ids do not disagree, same name.
   */
  otherObjects: DirectoryObject[];
  /**
   * Objects with the report's hostname but another deviceId: pointed out, never claimed as a match. Only when
   * `directory` is missing or deleted (the loader leaves it empty otherwise: the live object is the match).
   */
  candidates: DirectoryObject[];
  /** When the machine last reported (any report), or null if never. */
  lastReportAt: string | null;
}

export const DEFAULT_CERT_REGISTRATION_TOLERANCE_MINUTES = 60;
export const DEFAULT_STALE_THRESHOLD_DAYS = 90;
/**
 * approximateLastSignInDateTime is only rewritten when it is more than 14 days (±5) old
 * (https://learn.microsoft.com/entra/identity/devices/manage-stale-devices), so a device is never
 * called stale under 21 days.
 */
export const MIN_STALE_THRESHOLD_DAYS = 21;
export const DEFAULT_AGENT_INTERVAL_MINUTES = 240;

export interface DeviceRuleSettings {
  /** ISO 8601: the evaluation time. */
  now: string;
  /** The tenant's Entra Connect scope; null or no forests = not configured, and out-of-sync-scope is skipped. */
  syncScope?: SyncScope | null;
  certRegistrationToleranceMinutes?: number;
  staleThresholdDays?: number;
  agentIntervalMinutes?: number;
  certExpiringDays?: number;
  prtStaleHours?: number;
  /** True when any agent of the tenant has reported: silent-device runs only then. Default false. */
  tenantHasAgents?: boolean;
  /**
   * When the tenant's last successful directory sync (full or delta) finished. `null` = never synced:
   * JoinScope cannot tell a missing object from an unsynced one, so object-deleted does not fire for
   * a missing object. Omitted = the directory is treated as current as of `now`.
   */
  directorySyncedAt?: string | null;
}

export interface ResolvedDeviceRuleSettings {
  now: string;
  nowMs: number;
  syncScope: SyncScope | null;
  certRegistrationToleranceMinutes: number;
  staleThresholdDays: number;
  agentIntervalMinutes: number;
  certExpiringDays?: number;
  prtStaleHours?: number;
  tenantHasAgents: boolean;
  /** null = never synced. */
  directorySyncedAt: string | null;
}

const positive = (value: number | undefined, fallback: number) => (value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback);

/** Applies the defaults and floors (stale threshold never below 21 days). Throws on an unparsable `now`: a programming error. */
export function resolveDeviceRuleSettings(settings: DeviceRuleSettings): ResolvedDeviceRuleSettings {
  const nowMs = Date.parse(settings.now);
  if (Number.isNaN(nowMs)) throw new Error(`evaluateDeviceRules: settings.now is not an ISO date: ${settings.now}`);
  return {
    now: settings.now,
    nowMs,
    syncScope: settings.syncScope ?? null,
    certRegistrationToleranceMinutes: positive(settings.certRegistrationToleranceMinutes, DEFAULT_CERT_REGISTRATION_TOLERANCE_MINUTES),
    staleThresholdDays: Math.max(MIN_STALE_THRESHOLD_DAYS, positive(settings.staleThresholdDays, DEFAULT_STALE_THRESHOLD_DAYS)),
    agentIntervalMinutes: positive(settings.agentIntervalMinutes, DEFAULT_AGENT_INTERVAL_MINUTES),
    certExpiringDays: settings.certExpiringDays,
    prtStaleHours: settings.prtStaleHours,
    tenantHasAgents: settings.tenantHasAgents ?? false,
    directorySyncedAt: settings.directorySyncedAt === undefined ? settings.now : settings.directorySyncedAt,
  };
}
