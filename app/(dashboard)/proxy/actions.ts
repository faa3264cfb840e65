"use server";

import { revalidatePath } from "next/cache";
import { guardedAction } from "@/lib/auth/action-guard";
import { db } from "@/lib/db/client";
import { deleteProxyDiagnosis } from "@/lib/proxy/delete-proxy-diagnosis";
import { saveProxyDiagnosis } from "@/lib/proxy/save-proxy-diagnosis";
import { getDashboardContext } from "../_lib/dashboard-context";

export type SaveProxyDiagnosisState = { ok: true; id: string; title: string } | { ok: false; error: string };

/**
 * Saves the diagnosis of the files the page read, for the selected tenant: `input` is `{ title, reads }`, checked and
 * diagnosed again on the server (lib/proxy/save-proxy-diagnosis.ts); audit-logged.
 */
export const saveProxyDiagnosisAction = guardedAction("Operator", async (admin, input: unknown): Promise<SaveProxyDiagnosisState> => {
  const { tenant } = await getDashboardContext();
  if (!tenant) return { ok: false, error: "Select a tenant first: a diagnosis is saved for the tenant selected in the header." };
  const result = await saveProxyDiagnosis(db, { tenantRef: tenant.id, actor: admin.email, input });
  if (!result.ok) return { ok: false, error: result.error.message };
  revalidatePath("/proxy");
  return { ok: true, id: result.id, title: result.title };
});

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
