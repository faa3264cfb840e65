import type { TenantDirectory } from "../tenant-directory";
import type { AccessTokens } from "./access-tokens";

/** What the login endpoints read: the tenants and their apps, the token signer, the clock. */
export interface LoginServices {
  directory: TenantDirectory;
  accessTokens: AccessTokens;
  now: () => number;
}
