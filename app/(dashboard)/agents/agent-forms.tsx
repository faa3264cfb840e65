"use client";

import { useActionState, useState } from "react";
import { CopyButton } from "../../_components/copy-button";
import { AlertIcon } from "../../_components/icons";
import { createTenantAction, createTokenAction, revokeTokenAction, type CreateTokenState, type SimpleState } from "./actions";

function InlineError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200">
      {message}
    </p>
  );
}

export function CreateTokenForm({ tenants, selectedTenantId, origin }: { tenants: { id: string; name: string }[]; selectedTenantId: string | null; origin: string }) {
  const [state, action, pending] = useActionState<CreateTokenState, FormData>(createTokenAction, { error: null, created: null });
  return (
    <div>
      <form action={action} className="grid gap-3 sm:grid-cols-[1fr_14rem_auto] sm:items-end">
        <div>
          <label htmlFor="token-name" className="label">
            Token name
          </label>
          <input id="token-name" name="name" required maxLength={100} placeholder="e.g. Intune remediation – Europe" className="input" />
        </div>
        <div>
          <label htmlFor="token-tenant" className="label">
            Tenant
          </label>
          <select id="token-tenant" name="tenantRef" defaultValue={selectedTenantId ?? undefined} className="input">
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
      <InlineError message={state.error} />
      {state.created ? <NewToken created={state.created} origin={origin} /> : null}
    </div>
  );
}

function NewToken({ created, origin }: { created: NonNullable<CreateTokenState["created"]>; origin: string }) {
  const url = `${origin}/api/v1/reports`;
  const powershell = [
    `$body = @{`,
    `  hostname     = $env:COMPUTERNAME`,
    `  capturedAt   = (Get-Date).ToUniversalTime().ToString("o")`,
    `  agentVersion = "manual-1"`,
    `  dsregcmd     = (dsregcmd /status | Out-String)`,
    `} | ConvertTo-Json`,
    `Invoke-RestMethod -Method Post -Uri ${url} -Headers @{Authorization="Bearer ${created.token}"} -ContentType "application/json; charset=utf-8" -Body ([Text.Encoding]::UTF8.GetBytes($body))`,
  ].join("\n");
  const curl = `curl -sS -X POST ${url} \\\n  -H "Authorization: Bearer ${created.token}" \\\n  -H "Content-Type: application/json" \\\n  --data @report.json`;
  return (
    <section aria-label="New agent token" className="mt-4 rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-500/40 dark:bg-amber-500/10" data-testid="new-token">
      <div className="flex items-start gap-2 text-amber-900 dark:text-amber-100">
        <AlertIcon className="mt-0.5 shrink-0" />
        <p>
          <strong>Copy the token for “{created.name}” now.</strong> It is shown only this once; JoinScope stores only its hash. If you lose it, revoke it and create
          another.
        </p>
      </div>
      <div className="mt-3 flex items-center gap-2">
        <code
          className="min-w-0 flex-1 overflow-x-auto rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-[13px] whitespace-nowrap text-slate-900 dark:border-amber-500/30 dark:bg-slate-950 dark:text-slate-100"
          data-testid="new-token-value"
        >
          {created.token}
        </code>
        <CopyButton text={created.token} label="Copy token" />
      </div>
      <Snippet title="Upload once with Windows PowerShell (run in the user's session, not elevated)" code={powershell} />
      <Snippet title="Or with curl, from a JSON file with hostname, capturedAt, agentVersion and dsregcmd" code={curl} />
    </section>
  );
}

function Snippet({ title, code }: { title: string; code: string }) {
  return (
    <div className="mt-4">
      <div className="mb-1.5 flex items-center justify-between gap-3">
        <p className="text-xs font-medium text-amber-900 dark:text-amber-100">{title}</p>
        <CopyButton text={code} label="Copy" />
      </div>
      <pre className="overflow-x-auto rounded-md bg-slate-900 px-4 py-3 font-mono text-xs leading-5 text-slate-100 dark:bg-slate-950 dark:ring-1 dark:ring-slate-800">{code}</pre>
    </div>
  );
}

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const [state, action, pending] = useActionState<SimpleState, FormData>(revokeTokenAction, { error: null, done: false });
  if (!confirming) {
    return (
      <>
        <button type="button" className="btn-ghost px-2 py-1 text-xs text-red-700 hover:bg-red-50 hover:text-red-800 dark:text-red-400 dark:hover:bg-red-500/10" onClick={() => setConfirming(true)} aria-label={`Revoke ${name}`}>
          Revoke
        </button>
        {state.error ? <InlineError message={state.error} /> : null}
      </>
    );
  }
  return (
    <form action={action} className="flex flex-wrap items-center justify-end gap-2" aria-label={`Confirm revoking ${name}`}>
      <input type="hidden" name="id" value={id} />
      <span className="text-xs text-slate-600 dark:text-slate-400">Agents using it get 401.</span>
      <button type="button" className="btn-ghost px-2 py-1 text-xs" onClick={() => setConfirming(false)} disabled={pending}>
        Cancel
      </button>
      <button type="submit" className="btn-danger px-2 py-1 text-xs" disabled={pending}>
        {pending ? "Revoking…" : "Confirm revoke"}
      </button>
    </form>
  );
}

export function CreateTenantForm() {
  const [state, action, pending] = useActionState<SimpleState, FormData>(createTenantAction, { error: null, done: false });
  return (
    <form action={action}>
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <div>
          <label htmlFor="tenant-id" className="label">
            Tenant ID
          </label>
          <input id="tenant-id" name="tenantId" required placeholder="aaaabbbb-0000-cccc-1111-dddd2222eeee" className="input font-mono" spellCheck={false} autoComplete="off" />
        </div>
        <div>
          <label htmlFor="tenant-name" className="label">
            Name
          </label>
          <input id="tenant-name" name="name" required maxLength={200} placeholder="Contoso" className="input" />
        </div>
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Registering…" : "Register tenant"}
        </button>
      </div>
      <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">Find the tenant ID in the Microsoft Entra admin center under Identity → Overview.</p>
      <InlineError message={state.error} />
      {state.done ? (
        <p role="status" className="mt-3 text-[13px] text-emerald-700 dark:text-emerald-400">
          Tenant registered.
        </p>
      ) : null}
    </form>
  );
}
