"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedFormAction } from "@/lib/auth/action-guard";
import { db } from "@/lib/db/client";
import { createTenant } from "@/lib/tenants/create-tenant";

export interface RegisterTenantState {
  error: string | null;
  /** Which input the error is about ("tenantId" or "name"), for aria-invalid. */
  field: string | null;
  /** The new tenant's id (Tenant.id) once registered. */
  createdId: string | null;
}

/** What a call that did not come from the form is answered (guardedFormAction). */
const refusedRegisterTenantState = (error: string): RegisterTenantState => ({ error, field: null, createdId: null });

const RegisterTenantForm = z.object({
  // Whether it is a GUID is createTenant's check (its message says where to find the id).
  tenantId: z.string().trim().min(1, "Enter the tenant id (a GUID)"),
  name: z.string().trim().min(1, "Give the tenant a name").max(200, "Use at most 200 characters"),
});

/** The "register a tenant" form of the Agents page and of Settings: one tenant, audit-logged by createTenant. */
export const registerTenantAction = guardedFormAction(
  "Admin",
  refusedRegisterTenantState,
  async (admin, _previous: RegisterTenantState, formData: FormData): Promise<RegisterTenantState> => {
    // An Admin limited to some tenants (decision 027) manages those, and does not add tenants they could then not see.
    if (admin.tenantScope !== null)
      return { error: "Only an Admin whose access is not limited to some tenants can register a tenant", field: null, createdId: null };
    const input = RegisterTenantForm.safeParse({ tenantId: formData.get("tenantId") ?? "", name: formData.get("name") ?? "" });
    if (!input.success) {
      const issue = input.error.issues[0];
      return { error: issue?.message ?? "Check the form", field: typeof issue?.path[0] === "string" ? issue.path[0] : null, createdId: null };
    }
    // createTenant checks that the id is a GUID and not registered yet, and writes the audit entry.
    const result = await createTenant(db, { ...input.data, actor: admin.email });
    if (!result.ok) {
      const field = result.error.code === "duplicate" ? "tenantId" : typeof result.error.path?.[0] === "string" ? result.error.path[0] : null;
      return { error: result.error.message, field, createdId: null };
    }
    // The header's tenant switcher, the Agents page and Settings all list tenants.
    revalidatePath("/", "layout");
    return { error: null, field: null, createdId: result.id };
  },
);
