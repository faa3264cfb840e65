/**
 * The device certificate's thumbprint, as Entra ID holds it. alternativeSecurityIds entries of type 2 carry
 * a base64 key whose bytes are UTF-16LE text: `X509:<SHA1-TP-PUBKEY>` + 40 hex SHA-1 thumbprint + base64
 * SHA-256 of the public key, no separator (MS-DVRE; docs/domain.md, "Thumbprint").
 */
export interface AlternativeSecurityId {
  type?: number | null;
  identityProvider?: string | null;
  key?: string | null;
}

const MARKER = "X509:<SHA1-TP-PUBKEY>";

export function thumbprintFromAlternativeSecurityIds(ids: readonly AlternativeSecurityId[] | null | undefined): string | null {
  for (const id of ids ?? []) {
    if (id.type !== 2 || !id.key) continue;
    const thumbprint = thumbprintFromKey(id.key);
    if (thumbprint) return thumbprint;
  }
  return null;
}

/**
 * Every X509 thumbprint an object holds, when it holds more than one; null for none or one (then `thumbprint` says
 * all). A device re-registered in place can carry several keys, and the report's certificate may be any of them.
 */
export function extraThumbprintsFromAlternativeSecurityIds(ids: readonly AlternativeSecurityId[] | null | undefined): string[] | null {
  if (!ids || ids.filter((id) => id.type === 2 && id.key).length < 2) return null;
  const thumbprints = ids.flatMap((id) => (id.type === 2 && id.key ? [thumbprintFromKey(id.key)] : [])).filter((t): t is string => t !== null);
  return thumbprints.length > 1 ? thumbprints : null;
}

export function hasX509AlternativeSecurityId(ids: readonly AlternativeSecurityId[] | null | undefined): boolean {
  return (ids ?? []).some((id) => id.type === 2 && id.key != null && decodeKeyStart(id.key, "X509:".length).startsWith("X509:"));
}

export function thumbprintFromKey(key: string): string | null {
  const text = decodeKeyStart(key, MARKER.length + 40);
  if (!text.startsWith(MARKER)) return null;
  const hex = text.slice(MARKER.length, MARKER.length + 40);
  return /^[0-9a-fA-F]{40}$/.test(hex) ? hex.toUpperCase() : null;
}

/**
 * The first `chars` UTF-16 characters of a key: only the base64 that encodes them is decoded (a key is ~300
 * characters, and every device of every sync page is checked).
 */
function decodeKeyStart(key: string, chars: number): string {
  const base64Chars = Math.ceil((chars * 2) / 3) * 4;
  return Buffer.from(key.slice(0, base64Chars), "base64").toString("utf16le").slice(0, chars);
}

/** `[HWID]:h:6825…` groups one machine's directory objects. */
export function hardwareIdFromPhysicalIds(physicalIds: readonly string[] | null | undefined): string | null {
  for (const id of physicalIds ?? []) {
    const m = /^\[HWID\]:h:(.+)$/i.exec(id);
    if (m?.[1]) return m[1];
  }
  return null;
}
