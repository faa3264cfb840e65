/**
 * Minimal JWS compact (RS256 / PS256) signing and verification on node:crypto, for the tokens the
 * simulator issues and the client assertions MSAL sends (a JWT signed with the app certificate).
 */
import { constants, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

export type JwtHeader = Record<string, unknown> & { alg?: string; x5t?: string; "x5t#S256"?: string; kid?: string };
export type JwtPayload = Record<string, unknown>;

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

export function signJwt(header: JwtHeader, payload: JwtPayload, privateKey: KeyObject | string): string {
  const h = b64url(JSON.stringify({ typ: "JWT", alg: "RS256", ...header }));
  const p = b64url(JSON.stringify(payload));
  const signature = sign("sha256", Buffer.from(`${h}.${p}`), privateKey);
  return `${h}.${p}.${b64url(signature)}`;
}

export interface DecodedJwt {
  header: JwtHeader;
  payload: JwtPayload;
  signingInput: Buffer;
  signature: Buffer;
}

/** Splits and parses a compact JWS without verifying it; null when it is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as unknown;
    const payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as unknown;
    if (typeof header !== "object" || header === null || typeof payload !== "object" || payload === null) return null;
    return { header: header as JwtHeader, payload: payload as JwtPayload, signingInput: Buffer.from(`${h}.${p}`), signature: Buffer.from(s, "base64url") };
  } catch {
    return null;
  }
}

/** Verifies an RS256 or PS256 signature (what Entra accepts for client assertions). */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: KeyObject | string): boolean {
  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  try {
    if (jwt.header.alg === "RS256") return verify("sha256", jwt.signingInput, key, jwt.signature);
    if (jwt.header.alg === "PS256") {
      return verify("sha256", jwt.signingInput, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, jwt.signature);
    }
    return false;
  } catch {
    return false;
  }
}
