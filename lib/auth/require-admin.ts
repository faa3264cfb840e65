import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db/client";
import { findAdminBySession, SESSION_COOKIE, type AdminIdentity } from "./admin-sessions";
import { safeNextPath } from "./safe-next-path";

/** proxy.ts copies the requested path into this request header so a layout can send the admin back after login. */
export const REQUESTED_PATH_HEADER = "x-joinscope-path";

/**
 * The signed-in admin, or a redirect to /login?next=…. Cached per request so the layout, the page and
 * nested components share one session lookup. Server actions call it too: they are reachable without a page.
 */
export const requireAdmin = cache(async (): Promise<AdminIdentity> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const admin = await findAdminBySession(db, token);
  if (admin) return admin;
  const next = safeNextPath((await headers()).get(REQUESTED_PATH_HEADER));
  redirect(next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`);
});
