"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect, useId } from "react";
import { keepValues } from "../_lib/keep-values";
import { registerTenantAction, type RegisterTenantState } from "../_lib/register-tenant-action";
import { InlineError } from "./inline-error";

/**
 * Registers an Entra ID tenant: the Agents page (first run, "Register another tenant") and Settings ("Add tenant").
 * `openSettings`: go to the new tenant's settings, where its app registration comes next; otherwise say it is
 * registered and stay (the Agents page then offers a token for it).
 */
export function RegisterTenantForm({ openSettings = false }: { openSettings?: boolean }) {
  const router = useRouter();
  const [state, action, pending] = useActionState<RegisterTenantState, FormData>(registerTenantAction, { error: null, field: null, createdId: null });
  const ids = useId();
  useEffect(() => {
    if (openSettings && state.createdId) router.push(`/settings?tenant=${state.createdId}`);
  }, [openSettings, state.createdId, router]);
  const invalid = (field: string) => (state.field === field ? true : undefined);
  return (
    <div>
      {/* Keyed by the tenant registered last: a success empties the fields, a refusal keeps what was typed. */}
      <form key={state.createdId ?? "new"} onSubmit={keepValues(action)} aria-label="Register a tenant">
        <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
          <div>
            <label htmlFor={`${ids}-tenant-id`} className="label">
              Tenant ID
            </label>
            <input
              id={`${ids}-tenant-id`}
              name="tenantId"
              required
              placeholder="aaaabbbb-0000-cccc-1111-dddd2222eeee"
              className="input font-mono"
              spellCheck={false}
              autoComplete="off"
              aria-invalid={invalid("tenantId")}
            />
          </div>
          <div>
            <label htmlFor={`${ids}-name`} className="label">
              Name
            </label>
            <input id={`${ids}-name`} name="name" required maxLength={200} placeholder="Contoso" className="input" aria-invalid={invalid("name")} />
          </div>
          <button type="submit" className="btn-primary" disabled={pending}>
            {pending ? "Adding…" : "Add tenant"}
          </button>
        </div>
        <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          Find the tenant ID in the Microsoft Entra admin center under Identity → Overview. Agents can upload reports right away; directory sync needs an app
          registration, which comes next in Settings.
        </p>
      </form>
      <InlineError message={state.error} />
      {state.createdId && !openSettings ? (
        <p role="status" className="mt-3 text-[13px] text-emerald-700 dark:text-emerald-400">
          Tenant registered.
        </p>
      ) : null}
    </div>
  );
}
