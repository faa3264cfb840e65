"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { findAdminBySession, logoutAdmin, SESSION_COOKIE } from "@/lib/auth/admin-sessions";
import { endSessionUrl, entraSettings } from "@/lib/auth/entra-sign-in";
import { guardedAction } from "@/lib/auth/action-guard";
import { canSeeTenant } from "@/lib/auth/tenant-scope";
import { db } from "@/lib/db/client";
import { requestOrigin, shouldUseSecureCookies } from "../_lib/cookie-security";
import { TENANT_COOKIE } from "@/lib/tenants/selected-tenant";

const SelectTenantInput = z.object({ tenant: z.string().uuid() });

export const selectTenantAction = guardedAction("Reader", async (admin, formData: FormData): Promise<void> => {
  // A forged call without a form changes nothing (the switcher's select posts a form).
  if (!(formData instanceof FormData)) return;
  const parsed = SelectTenantInput.safeParse({ tenant: formData.get("tenant") });
  // The dashboard context would ignore a tenant outside the caller's access limit anyway (decision 027).
  if (!parsed.success || !canSeeTenant(admin.tenantScope, parsed.data.tenant)) return;
  (await cookies()).set(TENANT_COOKIE, parsed.data.tenant, {
    httpOnly: true,
    sameSite: "lax",
    secure: await shouldUseSecureCookies(),
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
  });
  revalidatePath("/", "layout");
});

/**
 * Sign-out, open to anyone (it only ends the caller's own session). With `everywhere=1` from a Microsoft account it
 * then sends the browser to Entra ID's end-session endpoint, which comes back to /login.
 */
export async function logoutAction(formData?: FormData): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  const user = await findAdminBySession(db, token);
  await logoutAdmin(db, token);
  jar.delete(SESSION_COOKIE);
  const settings = entraSettings();
  if (settings && user?.source === "entra" && formData instanceof FormData && formData.get("everywhere") === "1")
    redirect(endSessionUrl(settings, `${await requestOrigin()}/login`));
  redirect("/login");
}
