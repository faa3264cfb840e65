"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { allowDeviceReEnrolment } from "@/lib/agent-devices/allow-device-re-enrolment";
import { requestDeviceKeyRotation } from "@/lib/agent-devices/request-device-key-rotation";
import { revokeAgentDevice, type AgentDeviceActionResult } from "@/lib/agent-devices/revoke-agent-device";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { requireTokenEnrolment } from "@/lib/agent-tokens/require-token-enrolment";
import { revokeAgentToken } from "@/lib/agent-tokens/revoke-agent-token";
import { guardedFormAction } from "@/lib/auth/action-guard";
import type { AdminIdentity } from "@/lib/auth/admin-sessions";
import { canSeeTenant, type TenantScope } from "@/lib/auth/tenant-scope";
import { db } from "@/lib/db/client";

export interface CreateTokenState {
  error: string | null;
  /** The plain token, returned once and never stored. */
  created: { token: string; prefix: string; name: string; allowsDirectUpload: boolean } | null;
}

/** What a call that did not come from the form is answered (guardedFormAction). */
const refusedCreateTokenState = (error: string): CreateTokenState => ({ error, created: null });

const CreateTokenForm = z.object({
  name: z.string().trim().min(1, "Give the token a name, e.g. the Intune script it is for").max(100, "Use at most 100 characters"),
  tenantRef: z.string().uuid("Choose a tenant"),
  /** The checkbox: present ("on") when agents before version 2 may upload with the secret itself. */
  allowsDirectUpload: z
    .literal("on")
    .nullable()
    .transform((v) => v === "on"),
});

export const createTokenAction = guardedFormAction(
  "Operator",
  refusedCreateTokenState,
  async (admin, _previous: CreateTokenState, formData: FormData): Promise<CreateTokenState> => {
    const input = CreateTokenForm.safeParse({
      name: formData.get("name"),
      tenantRef: formData.get("tenantRef"),
      allowsDirectUpload: formData.get("allowsDirectUpload"),
    });
    if (!input.success) return { error: input.error.issues[0]?.message ?? "Check the form", created: null };
    // A tenant outside the caller's access limit (decision 027) is answered as an unknown one.
    if (!canSeeTenant(admin.tenantScope, input.data.tenantRef)) return { error: "No tenant with this id is registered", created: null };
    const result = await createAgentToken(db, { ...input.data, actor: admin.email });
    if (!result.ok) return { error: result.error.message, created: null };
    revalidatePath("/agents");
    return { error: null, created: { token: result.token, prefix: result.prefix, name: result.name, allowsDirectUpload: result.allowsDirectUpload } };
  },
);

export interface SimpleState {
  error: string | null;
  done: boolean;
}

/** What a call that did not come from the form is answered (guardedFormAction). */
const refusedSimpleState = (error: string): SimpleState => ({ error, done: false });

const RevokeTokenForm = z.object({ id: z.string().uuid("Unknown token") });

export const revokeTokenAction = guardedFormAction(
  "Operator",
  refusedSimpleState,
  async (admin, _previous: SimpleState, formData: FormData): Promise<SimpleState> => {
    const input = RevokeTokenForm.safeParse({ id: formData.get("id") });
    if (!input.success) return { error: input.error.issues[0]?.message ?? "Unknown token", done: false };
    const result = await revokeAgentToken(db, { id: input.data.id, actor: admin.email, tenantScope: admin.tenantScope });
    if (!result.ok) return { error: result.error.message, done: false };
    revalidatePath("/agents");
    revalidatePath("/", "layout");
    return { error: null, done: true };
  },
);

export const requireEnrolmentAction = guardedFormAction(
  "Operator",
  refusedSimpleState,
  async (admin, _previous: SimpleState, formData: FormData): Promise<SimpleState> => {
    const input = RevokeTokenForm.safeParse({ id: formData.get("id") });
    if (!input.success) return { error: input.error.issues[0]?.message ?? "Unknown token", done: false };
    const result = await requireTokenEnrolment(db, { id: input.data.id, actor: admin.email, tenantScope: admin.tenantScope });
    if (!result.ok) return { error: result.error.message, done: false };
    revalidatePath("/agents");
    return { error: null, done: true };
  },
);

const DeviceForm = z.object({ id: z.string().uuid("Unknown device") });

/** Revoke, rotate at next contact, allow re-enrolment: one enrolled device, audit-logged by the lib function. */
async function deviceAction(
  admin: AdminIdentity,
  formData: FormData,
  run: (options: { id: string; actor: string; tenantScope: TenantScope }) => Promise<AgentDeviceActionResult>,
): Promise<SimpleState> {
  const input = DeviceForm.safeParse({ id: formData.get("id") });
  if (!input.success) return { error: input.error.issues[0]?.message ?? "Unknown device", done: false };
  const result = await run({ id: input.data.id, actor: admin.email, tenantScope: admin.tenantScope });
  if (!result.ok) return { error: result.error.message, done: false };
  revalidatePath("/agents");
  return { error: null, done: true };
}

export const revokeDeviceAction = guardedFormAction(
  "Operator",
  refusedSimpleState,
  async (admin, _previous: SimpleState, formData: FormData): Promise<SimpleState> => {
    return deviceAction(admin, formData, (options) => revokeAgentDevice(db, options));
  },
);

export const rotateDeviceKeyAction = guardedFormAction(
  "Operator",
  refusedSimpleState,
  async (admin, _previous: SimpleState, formData: FormData): Promise<SimpleState> => {
    return deviceAction(admin, formData, (options) => requestDeviceKeyRotation(db, options));
  },
);

export const allowReEnrolmentAction = guardedFormAction(
  "Operator",
  refusedSimpleState,
  async (admin, _previous: SimpleState, formData: FormData): Promise<SimpleState> => {
    return deviceAction(admin, formData, (options) => allowDeviceReEnrolment(db, options));
  },
);
