import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db/client";
import { findAdminBySession, SESSION_COOKIE, type AdminIdentity } from "./admin-sessions";
import { hasRole, type Role } from "./roles";
import { safeNextPath } from "./safe-next-path";

/** proxy.ts copies the requested path into this request header so a layout can send the admin back after login. */
export const REQUESTED_PATH_HEADER = "x-joinscope-path";

/**
 * The signed-in user, whatever their role, or a redirect to /login?next=…. Cached per request so the layout, the page
 * and nested components share one session lookup. Only the no-access page and sign-out use it alone: every page and
 * server action goes through requireRole (pages) or guardedAction (actions), which call it.
 */
export const requireSignedIn = cache(async (): Promise<AdminIdentity> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const admin = await findAdminBySession(db, token);
  if (admin) return admin;
  const next = safeNextPath((await headers()).get(REQUESTED_PATH_HEADER));
  redirect(next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`);
});

/** Where a signed-in user lacking `role` is sent: a page naming the role to ask for, and nothing else. */
export function noAccessPath(role: Role): string {
  return `/no-access?need=${role}`;
}

/**
 * The page-level check: the signed-in user when their role includes `minimum`; otherwise /login (not signed in) or
 * /no-access?need=<minimum>. Every dashboard page calls it (through getDashboardContext, which asks for Reader, or
 * directly for more); e2e/authorization.spec.ts checks each page for each role.
 */
export async function requireRole(minimum: Role): Promise<AdminIdentity> {
  const admin = await requireSignedIn();
  if (!hasRole(admin.role, minimum)) redirect(noAccessPath(minimum));
  return admin;
}

/** @deprecated kept for callers that mean "any role": a Reader. */
export const requireAdmin = (): Promise<AdminIdentity> => requireRole("Reader");
