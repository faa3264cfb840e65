import type { DeviceSubject, DirectoryChange, DirectoryObject } from "@/lib/rules/device-subject";
import { formatTime, parseTime } from "@/lib/rules/report-fields";
import type { Evidence } from "@/lib/rules/types";

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export const OBJECT_SOURCE = "Entra ID device object";
export const HISTORY_SOURCE = "JoinScope directory history";
export const EVALUATION_SOURCE = "JoinScope evaluation";
export const AGENT_SOURCE = "JoinScope agent";

export const isLive = (object: DirectoryObject | null | undefined): object is DirectoryObject => !!object && object.deletedAt === null;

/** Synced from Active Directory by Entra Connect: change it in AD, never delete it in the cloud (docs/domain.md, "Re-joining safely"). */
export const isSynced = (object: DirectoryObject | null | undefined) => object?.onPremisesSyncEnabled === true;

/** Autopilot registrations carry a `[ZTDID]` physical id; they must never be deleted as stale or duplicate. */
export const isAutopilot = (object: DirectoryObject) => (object.physicalIds ?? []).some((id) => /^\[ZTDID\]/i.test(id));

/** "2025-03-23 11:01 UTC", or null for a missing or unparsable time. */
export function formatIso(iso: string | null | undefined): string | null {
  const ms = parseTime(iso);
  return ms === null ? null : formatTime(ms);
}

/** The subject's own object is "the" device object; others are named by objectId so the admin can find each. */
export function objectSource(object: DirectoryObject, own = true): string {
  const base = own ? OBJECT_SOURCE : `${OBJECT_SOURCE} ${object.objectId}`;
  return object.deletedAt !== null ? `${base} (deleted)` : base;
}

export function objectEvidence(
  object: DirectoryObject,
  field: string,
  value: string | null,
  extra: { own?: boolean; expected?: string | null } = {},
): Evidence {
  const evidence: Evidence = { source: objectSource(object, extra.own ?? true), field, value };
  if (extra.expected !== undefined) evidence.expected = extra.expected;
  return evidence;
}

/** `PC-0142 · ServerAd · registered 2024-11-05 08:12 UTC · last sign-in 2025-03-01 09:00 UTC`, for lists of objects. */
export function describeObject(object: DirectoryObject): string {
  const registered = formatIso(object.registrationDateTime);
  const signIn = formatIso(object.approximateLastSignInDateTime);
  return [
    object.displayName ?? "(no name)",
    object.trustType ?? "unknown trust type",
    registered ? `registered ${registered}` : object.isPending ? "Pending (never registered)" : "no registration time",
    signIn ? `last sign-in ${signIn}` : "no sign-in recorded",
    ...(object.onPremisesSyncEnabled ? ["synced from AD"] : []),
    ...(object.deletedAt ? [`deleted (noticed ${formatIso(object.deletedAt) ?? object.deletedAt})`] : []),
  ].join(" · ");
}

/** Label for steps: "deviceId 6e4c…" or "this device". */
export function deviceLabel(deviceId: string | null | undefined): string {
  return deviceId ? `deviceId ${deviceId}` : "this device";
}

/** The short host name, lower case: `PC-0142.corp.contoso.com` → `pc-0142`. */
export function shortName(name: string | null | undefined): string | null {
  const short = name?.trim().split(".")[0]?.trim().toLowerCase();
  return short ? short : null;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => compareText(a, b))
      .map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function compareObjects(a: DirectoryObject, b: DirectoryObject): number {
  return compareText(a.objectId, b.objectId) || compareText(a.deviceId ?? "", b.deviceId ?? "") || compareText(stableJson(a), stableJson(b));
}

export function compareChanges(a: DirectoryChange, b: DirectoryChange): number {
  const at = (parseTime(a.at) ?? 0) - (parseTime(b.at) ?? 0);
  return at || compareText(a.at, b.at) || compareText(a.kind, b.kind) || compareText(stableJson(a.detail), stableJson(b.detail));
}

/** The subject with its arrays in canonical order, so nothing downstream depends on query order. */
export function normalizeSubject(subject: DeviceSubject): DeviceSubject {
  return {
    ...subject,
    history: [...subject.history].sort(compareChanges),
    otherObjects: [...subject.otherObjects].sort(compareObjects),
    candidates: [...subject.candidates].sort(compareObjects),
  };
}

/** A string property of a DirectoryChange detail (stored JSON), e.g. `reason`. */
export function detailString(change: DirectoryChange, key: string): string | null {
  const detail = change.detail;
  if (!detail || typeof detail !== "object" || Array.isArray(detail)) return null;
  const value = (detail as Record<string, unknown>)[key];
  return typeof value === "string" && value !== "" ? value : null;
}
