import "server-only";
import type { AdminIdentity } from "./admin-sessions";
import { requireRole } from "./require-admin";
import type { Role } from "./roles";

/**
 * The one guard of the dashboard's server actions (decision 022): `export const x = guardedAction("Operator", async
 * (admin, ...args) => …)` in a "use server" file. Before the action's own code runs, the caller's session is checked
 * (none: redirect to /login) and its role (too low: redirect to /no-access?need=<role>), so a forged call, which
 * reaches the action without any page, is refused the same way. The action receives the signed-in user.
 * e2e/authorization.spec.ts calls every action of the build's manifest as each role.
 */
export function guardedAction<A extends unknown[], R>(minimum: Role, action: (admin: AdminIdentity, ...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    const admin = await requireRole(minimum);
    return action(admin, ...args);
  };
}
