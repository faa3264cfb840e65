"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedFormAction } from "@/lib/auth/action-guard";
import { canSeeTenant } from "@/lib/auth/tenant-scope";
import { db } from "@/lib/db/client";
import { startTenantSync } from "@/lib/tenants/start-tenant-sync";

export interface StartSyncState {
  error: string | null;
  message: string | null;
  /** Bumped on every start, so the page polls even before the run row shows up in its render. */
  startedAt: number | null;
}

/** What a call that did not come from the form is answered (guardedFormAction). */
const refusedStartSyncState = (error: string): StartSyncState => ({ error, message: null, startedAt: null });

const StartSyncForm = z.object({ tenantRef: z.string().uuid("Choose a tenant"), mode: z.enum(["auto", "full"]) });

export const startSyncAction = guardedFormAction(
  "Operator",
  refusedStartSyncState,
  async (admin, _previous: StartSyncState, formData: FormData): Promise<StartSyncState> => {
    const input = StartSyncForm.safeParse({ tenantRef: formData.get("tenantRef"), mode: formData.get("mode") });
    if (!input.success) return { error: input.error.issues[0]?.message ?? "Check the form", message: null, startedAt: null };
    // A tenant outside the caller's access limit (decision 027) is answered as an unknown one.
    if (!canSeeTenant(admin.tenantScope, input.data.tenantRef)) return { error: "No tenant with this id is registered", message: null, startedAt: null };
    const result = await startTenantSync(db, input.data);
    revalidatePath("/sync");
    if (!result.ok) {
      const error = result.error.code === "already-running" ? "A sync is already running for this tenant; its progress shows below." : result.error.message;
      return { error, message: null, startedAt: result.error.code === "already-running" ? Date.now() : null };
    }
    const what = input.data.mode === "full" ? "Full resync" : "Sync";
    return {
      error: null,
      message: result.state === "finished" ? `${what} finished.` : `${what} started; progress shows below.`,
      startedAt: Date.now(),
    };
  },
);
