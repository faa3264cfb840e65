/**
 * JoinScope's own app registration for "Sign in with Microsoft" in a simulated tenant (issue 20): a web app with a
 * client secret and one redirect URI, and a user for each of JoinScope's app roles, one with none, one whose role
 * comes from a group (JOINSCOPE_ENTRA_GROUP_ROLES), and a Reader in a helpdesk group (a group's tenant limit). The e2e server and the demo add it to a tenant they start.
 */
import type { SimApp, SimUser } from "./tenant-directory";

export const SIGN_IN_APP_ID = "5a1c0de5-0000-4000-8000-00000000a001";
export const SIGN_IN_APP_SECRET = "sim~sign-in-secret-0123456789abcdefghijklmnop";
/** A group whose members are Operators when JOINSCOPE_ENTRA_GROUP_ROLES maps it so. */
export const OPERATORS_GROUP_ID = "5a1c0de5-0000-4000-8000-0000000009a1";
/** A helpdesk group of Readers, for a tenant limit on a group (decision 027): maps to no role. */
export const HELPDESK_GROUP_ID = "5a1c0de5-0000-4000-8000-0000000009b2";

export interface SignInDemo {
  app: SimApp;
  users: SimUser[];
}

/** The app (redirect URI `<appOrigin>/auth/callback`) and its users at `<label>.onmicrosoft.com`. */
export function createSignInApp(options: { appOrigin: string; domain: string }): SignInDemo {
  const user = (n: number, name: string, local: string, roles: string[], groups?: string[]): SimUser => ({
    id: `5a1c0de5-0000-4000-8000-${String(n).padStart(12, "0")}`,
    userPrincipalName: `${local}@${options.domain}`,
    displayName: name,
    appRoles: roles.length ? { [SIGN_IN_APP_ID]: roles } : {},
    ...(groups ? { groups } : {}),
  });
  return {
    app: {
      clientId: SIGN_IN_APP_ID,
      clientSecret: SIGN_IN_APP_SECRET,
      permissions: [],
      displayName: "JoinScope",
      redirectUris: [`${options.appOrigin.replace(/\/+$/, "")}/auth/callback`],
    },
    users: [
      user(1, "Rita Reader", "rita.reader", ["JoinScope.Reader"]),
      user(2, "Oscar Operator", "oscar.operator", ["JoinScope.Operator"]),
      user(3, "Ada Admin", "ada.admin", ["JoinScope.Admin"]),
      user(4, "Nina Norole", "nina.norole", []),
      user(5, "Gus Groupmember", "gus.group", [], [OPERATORS_GROUP_ID]),
      user(6, "Hana Helpdesk", "hana.helpdesk", ["JoinScope.Reader"], [HELPDESK_GROUP_ID]),
    ],
  };
}
