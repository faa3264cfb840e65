"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useId, useState, type FormEvent } from "react";
import { AlertIcon, CheckCircleIcon, CrossCircleIcon, MinusCircleIcon } from "../../_components/icons";
import type { ConnectionCheck } from "@/lib/sync/test-tenant-connection";
import {
  addTenantAction,
  saveAppRegistrationAction,
  saveSyncScopeAction,
  saveSyncSettingsAction,
  testConnectionAction,
  type AddTenantState,
  type SaveState,
  type TestConnectionState,
} from "./actions";

const EMPTY_SAVE: SaveState = { error: null, field: null, savedAt: null, message: null };

/**
 * Submit through the action without React's automatic form reset, so a rejected form keeps what the admin
 * typed (React 19 resets uncontrolled fields after every <form action> submission).
 */
function keepValues(dispatch: (formData: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => dispatch(formData));
  };
}

function InlineError({ message, id }: { message: string | null; id?: string }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200">
      {message}
    </p>
  );
}

function Saved({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="status" className="text-[13px] text-emerald-700 dark:text-emerald-400">
      {message}
    </p>
  );
}

function Hint({ children, id }: { children: React.ReactNode; id?: string }) {
  return (
    <p id={id} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
      {children}
    </p>
  );
}

export function AddTenantForm() {
  const router = useRouter();
  const [state, action, pending] = useActionState<AddTenantState, FormData>(addTenantAction, { error: null, createdId: null });
  useEffect(() => {
    if (state.createdId) router.push(`/settings?tenant=${state.createdId}`);
  }, [state.createdId, router]);
  return (
    <form onSubmit={keepValues(action)}>
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <div>
          <label htmlFor="new-tenant-id" className="label">
            Tenant ID
          </label>
          <input
            id="new-tenant-id"
            name="tenantId"
            required
            placeholder="aaaabbbb-0000-cccc-1111-dddd2222eeee"
            className="input font-mono"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={state.error && /tenant id|already registered/i.test(state.error) ? true : undefined}
          />
        </div>
        <div>
          <label htmlFor="new-tenant-name" className="label">
            Name
          </label>
          <input id="new-tenant-name" name="name" required maxLength={200} placeholder="Contoso" className="input" />
        </div>
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Adding…" : "Add tenant"}
        </button>
      </div>
      <Hint>Find the tenant ID in the Microsoft Entra admin center under Identity → Overview. The app registration comes next.</Hint>
      <InlineError message={state.error} />
    </form>
  );
}

export interface CloudOption {
  value: string;
  label: string;
}

export interface StoredApp {
  tenantRef: string;
  cloud: string;
  authorityHost: string | null;
  graphBaseUrl: string | null;
  clientId: string | null;
  credentialType: "secret" | "certificate" | null;
  certificateThumbprint: string | null;
}

/** App registration form and "Test connection" (which always tests the saved registration). */
export function AppRegistration({ app, clouds }: { app: StoredApp; clouds: CloudOption[] }) {
  const [saveState, save, saving] = useActionState<SaveState, FormData>(saveAppRegistrationAction, EMPTY_SAVE);
  const [testState, test, testing] = useActionState<TestConnectionState, FormData>(testConnectionAction, { error: null, report: null, testedAt: null });
  const [cloud, setCloud] = useState(app.cloud);
  const [kind, setKind] = useState<"secret" | "certificate">(app.credentialType ?? "secret");
  const ids = useId();
  const invalid = (field: string) => (saveState.field === field ? true : undefined);
  // A result from before the last save describes credentials that are gone.
  const report = testState.testedAt && (!saveState.savedAt || testState.testedAt > saveState.savedAt) ? testState.report : null;

  return (
    <div>
      <form onSubmit={keepValues(save)} key={saveState.savedAt ?? 0} aria-label="App registration" className="space-y-4">
        <input type="hidden" name="tenantRef" value={app.tenantRef} />
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={`${ids}-cloud`} className="label">
              Cloud
            </label>
            <select id={`${ids}-cloud`} name="cloud" value={cloud} onChange={(e) => setCloud(e.target.value)} className="input">
              {clouds.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${ids}-client`} className="label">
              Application (client) ID
            </label>
            <input
              id={`${ids}-client`}
              name="clientId"
              required
              defaultValue={app.clientId ?? ""}
              placeholder="00001111-aaaa-2222-bbbb-3333cccc4444"
              className="input font-mono"
              spellCheck={false}
              autoComplete="off"
              aria-invalid={invalid("clientId")}
            />
          </div>
        </div>

        {cloud === "custom" ? (
          <div className="grid gap-4 rounded-md border border-dashed border-slate-300 p-4 sm:grid-cols-2 dark:border-slate-700">
            <div>
              <label htmlFor={`${ids}-authority`} className="label">
                Authority host
              </label>
              <input
                id={`${ids}-authority`}
                name="authorityHost"
                required
                defaultValue={app.authorityHost ?? ""}
                placeholder="127.0.0.1:3444"
                className="input font-mono"
                spellCheck={false}
                aria-invalid={invalid("authorityHost")}
              />
              <Hint>host[:port], no https:// — the login endpoint of a simulator or test double.</Hint>
            </div>
            <div>
              <label htmlFor={`${ids}-graph`} className="label">
                Graph base URL
              </label>
              <input
                id={`${ids}-graph`}
                name="graphBaseUrl"
                required
                type="url"
                defaultValue={app.graphBaseUrl ?? ""}
                placeholder="https://127.0.0.1:3444"
                className="input font-mono"
                spellCheck={false}
                aria-invalid={invalid("graphBaseUrl")}
              />
              <Hint>https only, without /v1.0.</Hint>
            </div>
          </div>
        ) : null}

        <fieldset>
          <legend className="label">Credential</legend>
          <div className="flex flex-wrap gap-x-6 gap-y-2">
            {(["secret", "certificate"] as const).map((k) => (
              <label key={k} className="inline-flex items-center gap-2 text-sm">
                <input type="radio" name="credentialKind" value={k} checked={kind === k} onChange={() => setKind(k)} className="size-4 accent-blue-600" />
                {k === "secret" ? "Client secret" : "Certificate"}
              </label>
            ))}
          </div>
        </fieldset>

        <StoredCredential app={app} />

        {kind === "secret" ? (
          <div>
            <label htmlFor={`${ids}-secret`} className="label">
              {app.credentialType === "secret" ? "New secret value" : "Secret value"}
            </label>
            <input
              id={`${ids}-secret`}
              name="clientSecret"
              type="password"
              required
              autoComplete="new-password"
              spellCheck={false}
              placeholder="The secret's Value (not its Secret ID)"
              className="input font-mono"
              aria-invalid={invalid("clientSecret")}
            />
          </div>
        ) : (
          <div className="grid gap-4 lg:grid-cols-2">
            <div>
              <label htmlFor={`${ids}-cert`} className="label">
                Certificate (PEM)
              </label>
              <textarea
                id={`${ids}-cert`}
                name="certificatePem"
                required
                rows={6}
                spellCheck={false}
                placeholder={"-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----"}
                className="input font-mono text-xs"
                aria-invalid={invalid("certificatePem")}
              />
              <Hint>The public part you uploaded to the app registration.</Hint>
            </div>
            <div>
              <label htmlFor={`${ids}-key`} className="label">
                Private key (PEM)
              </label>
              <textarea
                id={`${ids}-key`}
                name="privateKeyPem"
                required
                rows={6}
                spellCheck={false}
                placeholder={"-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----"}
                className="input font-mono text-xs"
                aria-invalid={invalid("privateKeyPem")}
              />
              <Hint>Unencrypted PKCS#8; stored encrypted.</Hint>
            </div>
          </div>
        )}

        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className="btn-primary" disabled={saving}>
            {saving ? "Saving…" : "Save app registration"}
          </button>
          <Saved message={saveState.message} />
        </div>
        <InlineError message={saveState.error} />
      </form>

      <div className="mt-5 border-t border-slate-100 pt-4 dark:border-slate-800">
        <form onSubmit={keepValues(test)} className="flex flex-wrap items-center gap-3">
          <input type="hidden" name="tenantRef" value={app.tenantRef} />
          <button type="submit" className="btn-secondary" disabled={testing || !app.credentialType}>
            {testing ? "Testing…" : "Test connection"}
          </button>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {app.credentialType
              ? "Signs in as the app and reads one device, one BitLocker key id and one LAPS entry, using the saved registration. Nothing is written."
              : "Save an app registration first."}
          </p>
        </form>
        <InlineError message={testState.error} />
        {report ? <ConnectionChecks ok={report.ok} checks={report.checks} /> : null}
      </div>
    </div>
  );
}

function StoredCredential({ app }: { app: StoredApp }) {
  return (
    <div className="flex items-start gap-2 rounded-md bg-slate-50 px-3 py-2 text-[13px] text-slate-700 ring-1 ring-slate-200 ring-inset dark:bg-slate-800/40 dark:text-slate-300 dark:ring-slate-700/60" data-testid="stored-credential">
      {app.credentialType === "secret" ? (
        <p>
          <strong className="font-semibold">A client secret is stored</strong>, encrypted. It is never shown again; to change anything here, enter the secret again (or a
          new one).
        </p>
      ) : app.credentialType === "certificate" ? (
        <p>
          <strong className="font-semibold">A certificate is stored</strong>, thumbprint{" "}
          <code className="font-mono text-xs break-all" data-testid="certificate-thumbprint">
            {app.certificateThumbprint ?? "unknown"}
          </code>
          . Its private key is encrypted and never shown again; to change anything here, paste the certificate and key again.
        </p>
      ) : (
        <p>The secret or private key is stored encrypted (AES-256-GCM) and never shown again, not even to you.</p>
      )}
    </div>
  );
}

const CHECK_STYLE: Record<ConnectionCheck["status"], { Icon: typeof CheckCircleIcon; tone: string; label: string }> = {
  ok: { Icon: CheckCircleIcon, tone: "text-emerald-600 dark:text-emerald-400", label: "OK" },
  failed: { Icon: CrossCircleIcon, tone: "text-red-600 dark:text-red-400", label: "Failed" },
  warning: { Icon: AlertIcon, tone: "text-amber-600 dark:text-amber-400", label: "Warning" },
  skipped: { Icon: MinusCircleIcon, tone: "text-slate-400 dark:text-slate-500", label: "Skipped" },
};

function ConnectionChecks({ ok, checks }: { ok: boolean; checks: ConnectionCheck[] }) {
  return (
    <section aria-label="Connection test" className="mt-4" data-testid="connection-checks" data-ok={ok}>
      <p className={`text-sm font-semibold ${ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
        {ok ? "The connection works." : "The connection does not work yet."}
      </p>
      <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
        {checks.map((c, i) => {
          const { Icon, tone, label } = CHECK_STYLE[c.status];
          return (
            <li key={`${c.name}-${i}`} className="flex items-start gap-3 px-3 py-2.5" data-testid="connection-check" data-status={c.status}>
              <Icon className={`mt-px shrink-0 ${tone}`} aria-hidden="true" />
              <div className="min-w-0">
                <p className="text-[13px] font-medium text-slate-900 dark:text-slate-100">
                  {c.name} <span className="sr-only">: {label}</span>
                </p>
                <p className="text-[13px] text-slate-600 dark:text-slate-400">{c.message}</p>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export interface StoredSyncSettings {
  tenantRef: string;
  syncEnabled: boolean;
  staleThresholdDays: number;
  agentIntervalMinutes: number;
  redactUserNames: boolean;
}

export function SyncSettingsForm({ settings, minStaleDays }: { settings: StoredSyncSettings; minStaleDays: number }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(saveSyncSettingsAction, EMPTY_SAVE);
  const ids = useId();
  return (
    <form onSubmit={keepValues(action)} aria-label="Sync settings" className="space-y-4">
      <input type="hidden" name="tenantRef" value={settings.tenantRef} />
      <Toggle id={`${ids}-enabled`} name="syncEnabled" defaultChecked={settings.syncEnabled} label="Sync enabled">
        The scheduler delta-syncs this tenant. Sync now still works when it is off.
      </Toggle>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={`${ids}-stale`} className="label">
            Stale threshold (days)
          </label>
          <input
            id={`${ids}-stale`}
            name="staleThresholdDays"
            type="number"
            inputMode="numeric"
            min={minStaleDays}
            max={3650}
            required
            defaultValue={settings.staleThresholdDays}
            className="input tabular-nums"
            aria-invalid={state.field === "staleThresholdDays" ? true : undefined}
            aria-describedby={`${ids}-stale-hint`}
          />
          <Hint id={`${ids}-stale-hint`}>
            At least {minStaleDays}: Entra ID moves approximateLastSignInDateTime only about every 14 days, so a shorter threshold calls active devices stale.
          </Hint>
        </div>
        <div>
          <label htmlFor={`${ids}-interval`} className="label">
            Agent interval (minutes)
          </label>
          <input
            id={`${ids}-interval`}
            name="agentIntervalMinutes"
            type="number"
            inputMode="numeric"
            min={15}
            max={10080}
            required
            defaultValue={settings.agentIntervalMinutes}
            className="input tabular-nums"
            aria-invalid={state.field === "agentIntervalMinutes" ? true : undefined}
            aria-describedby={`${ids}-interval-hint`}
          />
          <Hint id={`${ids}-interval-hint`}>How often your agents upload. A machine silent for three intervals is flagged.</Hint>
        </div>
      </div>
      <Toggle id={`${ids}-redact`} name="redactUserNames" defaultChecked={settings.redactUserNames} label="Redact user names">
        Hide user names and UPNs from reports in the dashboard and exports.
      </Toggle>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Saving…" : "Save sync settings"}
        </button>
        <Saved message={state.message} />
      </div>
      <InlineError message={state.error} />
    </form>
  );
}

/** A checkbox drawn as a switch: still a native checkbox (keyboard, forms, screen readers). */
function Toggle({ id, name, defaultChecked, label, children }: { id: string; name: string; defaultChecked: boolean; label: string; children: React.ReactNode }) {
  return (
    <div className="flex items-start gap-3">
      <span className="relative mt-0.5 inline-flex shrink-0">
        <input id={id} name={name} type="checkbox" role="switch" defaultChecked={defaultChecked} className="peer sr-only" aria-describedby={`${id}-hint`} />
        <span
          aria-hidden="true"
          className="h-5 w-9 rounded-full bg-slate-300 transition-colors peer-checked:bg-blue-600 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-blue-600 dark:bg-slate-700 dark:peer-checked:bg-blue-500"
        />
        <span aria-hidden="true" className="absolute top-0.5 left-0.5 size-4 rounded-full bg-white shadow-sm transition-transform peer-checked:translate-x-4" />
      </span>
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-800 dark:text-slate-200">
          {label}
        </label>
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {children}
        </p>
      </div>
    </div>
  );
}

interface ForestDraft {
  key: number;
  name: string;
  include: string;
  exclude: string;
}

export function SyncScopeEditor({ tenantRef, forests }: { tenantRef: string; forests: { name: string; include: string[]; exclude: string[] }[] }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(saveSyncScopeAction, EMPTY_SAVE);
  const [drafts, setDrafts] = useState<ForestDraft[]>(() =>
    forests.length > 0
      ? forests.map((f, i) => ({ key: i, name: f.name, include: f.include.join("\n"), exclude: f.exclude.join("\n") }))
      : [{ key: 0, name: "", include: "", exclude: "" }],
  );
  const ids = useId();
  const update = (key: number, change: Partial<ForestDraft>) => setDrafts((all) => all.map((d) => (d.key === key ? { ...d, ...change } : d)));
  const invalid = (i: number, field: string) => (state.field === `forest-${i}-${field}` ? true : undefined);

  return (
    <form onSubmit={keepValues(action)} aria-label="Entra Connect sync scope" className="space-y-4">
      <input type="hidden" name="tenantRef" value={tenantRef} />
      {drafts.map((d, i) => (
        <fieldset key={d.key} className="rounded-md border border-slate-200 p-4 dark:border-slate-800" data-testid="scope-forest">
          <legend className="px-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Forest {i + 1}</legend>
          <div className="flex items-end gap-3">
            <div className="min-w-0 flex-1">
              <label htmlFor={`${ids}-${d.key}-name`} className="label">
                Forest name
              </label>
              <input
                id={`${ids}-${d.key}-name`}
                name="forestName"
                value={d.name}
                onChange={(e) => update(d.key, { name: e.target.value })}
                placeholder="corp.contoso.com"
                className="input font-mono"
                spellCheck={false}
                aria-invalid={invalid(i, "name")}
              />
            </div>
            {drafts.length > 1 ? (
              <button type="button" className="btn-ghost text-red-700 hover:bg-red-50 hover:text-red-800 dark:text-red-400 dark:hover:bg-red-500/10" onClick={() => setDrafts((all) => all.filter((x) => x.key !== d.key))}>
                Remove forest
              </button>
            ) : null}
          </div>
          <div className="mt-3 grid gap-4 lg:grid-cols-2">
            <div>
              <label htmlFor={`${ids}-${d.key}-include`} className="label">
                Synced OUs (include)
              </label>
              <textarea
                id={`${ids}-${d.key}-include`}
                name="forestInclude"
                rows={4}
                value={d.include}
                onChange={(e) => update(d.key, { include: e.target.value })}
                placeholder={"OU=Workstations,DC=corp,DC=contoso,DC=com\nOU=Laptops,DC=corp,DC=contoso,DC=com"}
                className="input font-mono text-xs leading-5"
                spellCheck={false}
                wrap="off"
                aria-invalid={invalid(i, "include")}
              />
            </div>
            <div>
              <label htmlFor={`${ids}-${d.key}-exclude`} className="label">
                Not synced, inside an include (exclude)
              </label>
              <textarea
                id={`${ids}-${d.key}-exclude`}
                name="forestExclude"
                rows={4}
                value={d.exclude}
                onChange={(e) => update(d.key, { exclude: e.target.value })}
                placeholder="OU=Staging,OU=Workstations,DC=corp,DC=contoso,DC=com"
                className="input font-mono text-xs leading-5"
                spellCheck={false}
                wrap="off"
                aria-invalid={invalid(i, "exclude")}
              />
            </div>
          </div>
          <Hint>One distinguished name per line, as in Synchronization Service Manager → Connectors → Properties → Configure Directory Partitions → Containers.</Hint>
        </fieldset>
      ))}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Saving…" : "Save sync scope"}
        </button>
        <button
          type="button"
          className="btn-secondary"
          onClick={() => setDrafts((all) => [...all, { key: Math.max(-1, ...all.map((x) => x.key)) + 1, name: "", include: "", exclude: "" }])}
        >
          Add forest
        </button>
        <Saved message={state.message} />
      </div>
      <InlineError message={state.error} />
    </form>
  );
}
