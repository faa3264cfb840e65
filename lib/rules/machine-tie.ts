/**
 * One machine, one device (issue 23 item 3). A hybrid machine whose join never completed prints no DeviceId, so its
 * reports would make a device of their own beside the Pending object Entra Connect synced for it. Its evidence ties the
 * two: the join error's server message names the object it looked for ("The device object by the given id (<id>) is
 * not found": the hybrid object's deviceId is the computer's objectGUID, docs/domain.md "Join states"), or the agent
 * sent the computer's objectGUID, and the object carries the machine's host name. Such a report is stored under that
 * registration id, so the object and the report are one device on every page.
 */
import { shortName } from "@/lib/rules/join-rules/directory-evidence";
import { fieldValue } from "@/lib/rules/report-fields";
import type { ParsedDsregcmd } from "@/lib/reports/types";

const NAMED_OBJECT = /device object by the given id \(\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?\)/i;

/** The registration id a report's join error names (its "Server Message", in either capture), lower case, or null. */
export function namedDeviceId(report: ParsedDsregcmd, system: ParsedDsregcmd | null): string | null {
  for (const capture of [report, system]) {
    const message = capture ? fieldValue(capture, "Server Message") : null;
    const match = message ? NAMED_OBJECT.exec(message) : null;
    if (match) return match[1]!.toLowerCase();
  }
  return null;
}

/**
 * The registration id a report without one is tied to: the first candidate (the id its error names, then the objectGUID
 * the agent sent) that a directory object of the tenant carries under the report's own host name. `objects` gives the
 * display names of the objects holding a candidate id. Null when nothing ties them.
 */
export function tiedDeviceId(
  hostname: string,
  candidates: readonly (string | null)[],
  objects: readonly { deviceId: string; displayName: string | null }[],
): string | null {
  const host = shortName(hostname);
  if (!host) return null;
  for (const candidate of candidates) {
    if (!candidate) continue;
    if (objects.some((o) => o.deviceId === candidate && shortName(o.displayName) === host)) return candidate;
  }
  return null;
}
