/**
 * `$skiptoken` and `$deltatoken` values: the simulator's paging state as base64url JSON. Clients must treat them as
 * opaque (https://learn.microsoft.com/graph/paging); a token that does not decode answers 400.
 */
export function encodeToken(data: unknown): string {
  return Buffer.from(JSON.stringify(data)).toString("base64url");
}

export function decodeToken<T>(token: string): T | null {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}
