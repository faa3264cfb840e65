import { shortName } from "@/lib/rules/join-rules/directory-evidence";

/** What matching needs of a report (DeviceReport row): extra fields ride along untouched. */
export interface MatchableReport {
  /** dsregcmd DeviceId (lower-case GUID), null for a device that is not joined or registered. */
  deviceId: string | null;
  hostname: string;
  /** AD computer objectGUID: a hybrid object's deviceId. Used only when the report has no deviceId. */
  objectGuid?: string | null;
}

/** What matching needs of a directory object (DirectoryDevice row). */
export interface MatchableObject {
  objectId: string;
  deviceId: string | null;
  displayName: string | null;
  trustType: string | null;
  accountEnabled: boolean | null;
  deletedAt: string | Date | null;
}

export interface ReportMatches<R extends MatchableReport, O extends MatchableObject> {
  /** Report and the object with its deviceId (a live one in preference to a deleted one). */
  matched: { report: R; object: O }[];
  /** Reports with no object of their deviceId; candidates share the hostname but have another deviceId and are never a match. */
  unmatchedReports: { report: R; candidates: O[] }[];
  /** Live, enabled, joined (ServerAd / AzureAd) objects that no report matched: what silent-device looks at. */
  silentObjects: O[];
}

const JOINED_TRUST_TYPES = new Set(["serverad", "azuread"]);
const guid = (value: string | null | undefined) =>
  value
    ?.trim()
    .replace(/^\{|\}$/g, "")
    .toLowerCase() || null;
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byObject = (a: MatchableObject, b: MatchableObject) => Number(a.deletedAt !== null) - Number(b.deletedAt !== null) || compareText(a.objectId, b.objectId);

/**
 * Pairs reports with directory objects by deviceId only: a hostname never claims a match (names are
 * reused and renamed), it only lists candidates. A domain-only report (no DeviceId) is paired with the
 * ServerAd object whose deviceId is the report's objectGUID (observed in the field; Microsoft does not document it). Pure; output
 * order follows the reports' order, then objectId.
 */
export function matchReportsToObjects<R extends MatchableReport, O extends MatchableObject>(reports: readonly R[], objects: readonly O[]): ReportMatches<R, O> {
  const byDeviceId = new Map<string, O[]>();
  const byName = new Map<string, O[]>();
  for (const object of [...objects].sort(byObject)) {
    const id = guid(object.deviceId);
    if (id) byDeviceId.set(id, [...(byDeviceId.get(id) ?? []), object]);
    const name = shortName(object.displayName);
    if (name && object.deletedAt === null) byName.set(name, [...(byName.get(name) ?? []), object]);
  }

  const matched: { report: R; object: O }[] = [];
  const unmatchedReports: { report: R; candidates: O[] }[] = [];
  const reported = new Set<string>();
  for (const report of reports) {
    const deviceId = guid(report.deviceId);
    const objectGuid = deviceId ? null : guid(report.objectGuid);
    const object = deviceId
      ? byDeviceId.get(deviceId)?.[0]
      : objectGuid
        ? byDeviceId.get(objectGuid)?.find((candidate) => candidate.trustType?.toLowerCase() === "serverad")
        : undefined;
    if (object) {
      matched.push({ report, object });
      reported.add(object.objectId);
      continue;
    }
    const name = shortName(report.hostname);
    const candidates = (name ? (byName.get(name) ?? []) : []).filter((candidate) => guid(candidate.deviceId) !== deviceId);
    unmatchedReports.push({ report, candidates });
  }

  const silentObjects = [...objects]
    .sort(byObject)
    .filter(
      (object) =>
        object.deletedAt === null &&
        object.accountEnabled !== false &&
        JOINED_TRUST_TYPES.has(object.trustType?.toLowerCase() ?? "") &&
        !reported.has(object.objectId),
    );
  return { matched, unmatchedReports, silentObjects };
}
