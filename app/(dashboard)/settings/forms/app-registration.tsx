"use client";

import { useActionState, useId, useState } from "react";
import { InlineError } from "../../../_components/inline-error";
import { keepValues } from "../../../_lib/keep-values";
import { saveAppRegistrationAction, testConnectionAction, type SaveState, type TestConnectionState } from "../actions";
import { ConnectionChecks } from "./connection-checks";
import { EMPTY_SAVE, Hint, Saved } from "./form-parts";

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
    <div
      className="flex items-start gap-2 rounded-md bg-slate-50 px-3 py-2 text-[13px] text-slate-700 ring-1 ring-slate-200 ring-inset dark:bg-slate-800/40 dark:text-slate-300 dark:ring-slate-700/60"
      data-testid="stored-credential"
    >
      {app.credentialType === "secret" ? (
        <p>
          <strong className="font-semibold">A client secret is stored</strong>, encrypted. It is never shown again; to change anything here, enter the secret
          again (or a new one).
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
