/**
 * Subject keys: what a finding, a device summary and a device page are about, made and parsed here only.
 * - `d:<deviceId>`: a registration id (the lower-case GUID dsregcmd prints and Graph's `deviceId`), whether JoinScope
 *   knows it from a report, a directory object or both.
 * - `o:<objectId>`: a directory object without a registration id.
 * - `h:<hostname>`: a host that reported without a registration id (never joined), lower-cased.
 * In lib/rules because the sign-in rules link to devices by key; it is plain text in and out.
 */

export type SubjectKind = "d" | "o" | "h";

/** A parsed key: its kind, its value (lower-case) and the key itself. */
export interface SubjectKey {
  kind: SubjectKind;
  value: string;
  key: string;
}

export function deviceSubjectKey(deviceId: string): string {
  return `d:${deviceId}`;
}

export function objectSubjectKey(objectId: string): string {
  return `o:${objectId}`;
}

export function hostSubjectKey(hostname: string): string {
  return `h:${hostname.toLowerCase()}`;
}

/** The subject of a registration id if there is one, else of an object id, else of a host name. */
export function subjectKeyFor(deviceId: string | null, objectId: string | null, hostname: string | null): string {
  if (deviceId) return deviceSubjectKey(deviceId);
  if (objectId) return objectSubjectKey(objectId);
  return hostSubjectKey(hostname ?? "");
}

/** A report's subject: its registration id, or its host name when it printed none. */
export function reportSubjectKey(deviceId: string | null, hostname: string): string {
  return deviceId ? deviceSubjectKey(deviceId) : hostSubjectKey(hostname);
}

/** A key from a URL or a form: null unless it is a well-formed key (ids are GUIDs; everything lower-cased). */
export function parseSubjectKey(raw: string): SubjectKey | null {
  const m = /^([doh]):(.{1,256})$/.exec(raw);
  if (!m) return null;
  const kind = m[1] as SubjectKind;
  const value = m[2]!.toLowerCase();
  if (kind !== "h" && !/^[0-9a-f-]{36}$/.test(value)) return null;
  return { kind, value, key: `${kind}:${value}` };
}

/** The id or host name a key stands for (a key made here: no validation). */
export function subjectKeyValue(key: string): string {
  return key.slice(2);
}

/** SQL that makes a key of `kind` from the SQL expression `value` (a column; the caller lower-cases a host name). */
export function subjectKeySql(kind: SubjectKind, value: string): string {
  return `'${kind}:' || ${value}`;
}
