"use server";

import { revalidatePath } from "next/cache";
import { guardedAction } from "@/lib/auth/action-guard";
import { db } from "@/lib/db/client";
import { deleteProxyDiagnosis } from "@/lib/proxy/delete-proxy-diagnosis";
import { getDashboardContext } from "../_lib/dashboard-context";

export type DeleteProxyDiagnosisState = { ok: true } | { ok: false; error: string };

/** Deletes a saved diagnosis of the selected tenant (another tenant's id: not found); audit-logged. */
export const deleteProxyDiagnosisAction = guardedAction("Operator", async (admin, id: unknown): Promise<DeleteProxyDiagnosisState> => {
  const { tenant } = await getDashboardContext();
  if (!tenant || typeof id !== "string") return { ok: false, error: "This saved diagnosis no longer exists." };
  const result = await deleteProxyDiagnosis(db, { tenantRef: tenant.id, actor: admin.email, id });
  if (!result.ok) return { ok: false, error: result.error.message };
  revalidatePath("/proxy");
  return { ok: true };
});
