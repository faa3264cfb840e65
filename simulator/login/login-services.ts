import type { TenantDirectory } from "../tenant-directory";
import type { AccessTokens } from "./access-tokens";

/** What the login endpoints read: the tenants and their apps, the token signer, the clock, the codes issued and not yet redeemed. */
export interface LoginServices {
  directory: TenantDirectory;
  accessTokens: AccessTokens;
  now: () => number;
  codes: Map<string, AuthorizationCode>;
}

/** A code the authorize endpoint issued (authorize.ts), until the token endpoint redeems it or it expires. */
export interface AuthorizationCode {
  tenantId: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  userId: string;
  expiresAt: number;
}
