"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { logoutAdmin, SESSION_COOKIE } from "@/lib/auth/admin-sessions";
import { requireAdmin } from "@/lib/auth/require-admin";
import { db } from "@/lib/db/client";
import { shouldUseSecureCookies } from "../_lib/cookie-security";
import { TENANT_COOKIE } from "@/lib/tenants/selected-tenant";

const SelectTenantInput = z.object({ tenant: z.string().uuid() });

export async function selectTenantAction(formData: FormData): Promise<void> {
  await requireAdmin();
  const parsed = SelectTenantInput.safeParse({ tenant: formData.get("tenant") });
  if (!parsed.success) return;
  (await cookies()).set(TENANT_COOKIE, parsed.data.tenant, {
    httpOnly: true,
    sameSite: "lax",
    secure: await shouldUseSecureCookies(),
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
  });
  revalidatePath("/", "layout");
}

export async function logoutAction(): Promise<void> {
  const jar = await cookies();
  await logoutAdmin(db, jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect("/login");
}
