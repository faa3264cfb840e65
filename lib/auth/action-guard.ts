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

/** What a form action answers a call whose last argument is not a form (a forged or malformed request). */
export const NOT_A_FORM = "This request did not come from the form. Reload the page and try again.";

/**
 * guardedAction for a form's action as `useActionState` calls it: `(previousState, formData)`. A call whose form is
 * not a FormData (a forged request that sends other arguments, or none) is answered with `refused(NOT_A_FORM)`, a
 * state the page shows as an error, after the role check and without running the action: the caller gets a message
 * instead of a server error.
 */
export function guardedFormAction<S>(
  minimum: Role,
  refused: (message: string) => S,
  action: (admin: AdminIdentity, previous: S, formData: FormData) => Promise<S>,
): (previous: S, formData: FormData) => Promise<S> {
  return guardedAction(minimum, async (admin, previous: S, formData: FormData): Promise<S> => {
    if (!(formData instanceof FormData)) return refused(NOT_A_FORM);
    return action(admin, previous, formData);
  });
}
