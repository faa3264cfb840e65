"use client";

import { useActionState, useState } from "react";
import { CopyButton } from "../../_components/copy-button";
import { AlertIcon } from "../../_components/icons";
import { InlineError } from "../../_components/inline-error";
import {
  allowReEnrolmentAction,
  createTokenAction,
  requireEnrolmentAction,
  revokeDeviceAction,
  revokeTokenAction,
  rotateDeviceKeyAction,
  type CreateTokenState,
  type SimpleState,
} from "./actions";

export function CreateTokenForm({
  tenants,
  selectedTenantId,
  origin,
}: {
  tenants: { id: string; name: string }[];
  selectedTenantId: string | null;
  origin: string;
}) {
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
        <label className="flex items-start gap-2 text-[13px] text-slate-700 sm:col-span-3 dark:text-slate-300">
          <input type="checkbox" name="allowsDirectUpload" className="mt-0.5 size-4 rounded border-slate-300 accent-blue-600" />
          <span>
            Also accept direct uploads from agents before version 2
            <span className="block text-xs text-slate-500 dark:text-slate-400">
              Off by default: the token then only enrols devices, and each device uploads with a key of its own, so a copy of the token cannot forge reports for
              machines already enrolled.
            </span>
          </span>
        </label>
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
    <section
      aria-label="New agent token"
      className="mt-4 rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-500/40 dark:bg-amber-500/10"
      data-testid="new-token"
    >
      <div className="flex items-start gap-2 text-amber-900 dark:text-amber-100">
        <AlertIcon className="mt-0.5 shrink-0" />
        <p>
          <strong>Copy the token for “{created.name}” now.</strong> It is shown only this once; JoinScope stores only its hash. If you lose it, revoke it and
          create another.
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
      <p className="mt-3 text-[13px] text-amber-900 dark:text-amber-100">
        Deploy it with the agent (Intune or Group Policy, see docs/agent.md): each machine enrols once at{" "}
        <code className="font-mono">{origin}/api/v1/agents/enrol</code> and then uploads with a key of its own, shown below under Enrolled devices.
        {created.allowsDirectUpload ? " Agents before version 2 may also upload with the token itself:" : " The token itself cannot upload reports."}
      </p>
      {created.allowsDirectUpload ? (
        <>
          <Snippet title="Upload once with Windows PowerShell (run in the user's session, not elevated)" code={powershell} />
          <Snippet title="Or with curl, from a JSON file with hostname, capturedAt, agentVersion and dsregcmd" code={curl} />
        </>
      ) : null}
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
      <pre className="overflow-x-auto rounded-md bg-slate-900 px-4 py-3 font-mono text-xs leading-5 text-slate-100 dark:bg-slate-950 dark:ring-1 dark:ring-slate-800">
        {code}
      </pre>
    </div>
  );
}

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const [state, action, pending] = useActionState<SimpleState, FormData>(revokeTokenAction, { error: null, done: false });
  if (!confirming) {
    return (
      <>
        <button
          type="button"
          className="btn-ghost px-2 py-1 text-xs text-red-700 hover:bg-red-50 hover:text-red-800 dark:text-red-400 dark:hover:bg-red-500/10"
          onClick={() => setConfirming(true)}
          aria-label={`Revoke ${name}`}
        >
          Revoke
        </button>
        {state.error ? <InlineError message={state.error} /> : null}
      </>
    );
  }
  return (
    <form action={action} className="flex flex-wrap items-center justify-end gap-2" aria-label={`Confirm revoking ${name}`}>
      <input type="hidden" name="id" value={id} />
      <span className="text-xs text-slate-600 dark:text-slate-400">It enrols no more; enrolled devices keep uploading.</span>
      <button type="button" className="btn-ghost px-2 py-1 text-xs" onClick={() => setConfirming(false)} disabled={pending}>
        Cancel
      </button>
      <button type="submit" className="btn-danger px-2 py-1 text-xs" disabled={pending}>
        {pending ? "Revoking…" : "Confirm revoke"}
      </button>
    </form>
  );
}

/** A small action button that asks once before it submits (`confirm` text), with the action's error under it. */
function ConfirmingActionButton({
  action: serverAction,
  id,
  label,
  ariaLabel,
  confirmText,
  confirmLabel,
  pendingLabel,
  danger = false,
}: {
  action: (previous: SimpleState, formData: FormData) => Promise<SimpleState>;
  id: string;
  label: string;
  ariaLabel: string;
  confirmText: string | null;
  confirmLabel: string;
  pendingLabel: string;
  danger?: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const [state, action, pending] = useActionState<SimpleState, FormData>(serverAction, { error: null, done: false });
  const buttonClass = danger
    ? "btn-ghost px-2 py-1 text-xs text-red-700 hover:bg-red-50 hover:text-red-800 dark:text-red-400 dark:hover:bg-red-500/10"
    : "btn-ghost px-2 py-1 text-xs";
  if (confirmText && !confirming) {
    return (
      <>
        <button type="button" className={buttonClass} onClick={() => setConfirming(true)} aria-label={ariaLabel}>
          {label}
        </button>
        {state.error ? <InlineError message={state.error} /> : null}
      </>
    );
  }
  return (
    <form action={action} className="inline-flex flex-wrap items-center justify-end gap-2" aria-label={confirmText ? `Confirm: ${ariaLabel}` : ariaLabel}>
      <input type="hidden" name="id" value={id} />
      {confirmText ? <span className="text-xs text-slate-600 dark:text-slate-400">{confirmText}</span> : null}
      {confirmText ? (
        <button type="button" className="btn-ghost px-2 py-1 text-xs" onClick={() => setConfirming(false)} disabled={pending}>
          Cancel
        </button>
      ) : null}
      <button
        type="submit"
        className={confirmText ? (danger ? "btn-danger px-2 py-1 text-xs" : "btn-primary px-2 py-1 text-xs") : buttonClass}
        disabled={pending}
        aria-label={confirmText ? undefined : ariaLabel}
      >
        {pending ? pendingLabel : confirmText ? confirmLabel : label}
      </button>
      {state.error ? <InlineError message={state.error} /> : null}
    </form>
  );
}

export function RequireEnrolmentButton({ id, name }: { id: string; name: string }) {
  return (
    <ConfirmingActionButton
      action={requireEnrolmentAction}
      id={id}
      label="Require enrolment"
      ariaLabel={`Require enrolment for ${name}`}
      confirmText="Agents before version 2 that upload with it get 401."
      confirmLabel="Confirm"
      pendingLabel="Saving…"
    />
  );
}

/** Per enrolled device: revoke (asks first), rotate its key at the next contact, allow a revoked device to re-enrol. */
export function DeviceActions({
  id,
  hostname,
  status,
  reEnrolAllowed,
}: {
  id: string;
  hostname: string;
  status: "active" | "rotation" | "revoked";
  reEnrolAllowed: boolean;
}) {
  if (status === "revoked") {
    if (reEnrolAllowed) return <span className="text-xs text-slate-500 dark:text-slate-400">May re-enrol</span>;
    return (
      <ConfirmingActionButton
        action={allowReEnrolmentAction}
        id={id}
        label="Allow re-enrolment"
        ariaLabel={`Allow ${hostname} to re-enrol`}
        confirmText={null}
        confirmLabel=""
        pendingLabel="Saving…"
      />
    );
  }
  return (
    <div className="flex flex-wrap items-center justify-end gap-1">
      {status === "active" ? (
        <ConfirmingActionButton
          action={rotateDeviceKeyAction}
          id={id}
          label="Rotate key"
          ariaLabel={`Rotate the key of ${hostname} at its next contact`}
          confirmText={null}
          confirmLabel=""
          pendingLabel="Saving…"
        />
      ) : null}
      <ConfirmingActionButton
        action={revokeDeviceAction}
        id={id}
        label="Revoke"
        ariaLabel={`Revoke ${hostname}`}
        confirmText="Its uploads get 401."
        confirmLabel="Confirm revoke"
        pendingLabel="Revoking…"
        danger
      />
    </div>
  );
}
