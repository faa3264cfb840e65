"use client";

import { useActionState, useId, useState } from "react";
import { InlineError } from "../../../_components/inline-error";
import { keepValues } from "../../../_lib/keep-values";
import { saveDigestSettingsAction, sendTestDigestAction, type SaveState, type TestDigestState } from "../actions";
import { EMPTY_SAVE, Hint, Saved } from "./form-parts";

/** What Settings knows of the stored digest settings: never a webhook URL or the password, only their hints. */
export interface StoredDigestSettings {
  tenantRef: string;
  enabled: boolean;
  frequency: "daily" | "weekly";
  weekday: number;
  hour: number;
  teamsWebhook: string | null;
  slackWebhook: string | null;
  smtpHost: string | null;
  smtpPort: number | null;
  smtpSecurity: "tls" | "starttls" | "none";
  smtpUser: string | null;
  smtpPasswordSet: boolean;
  emailFrom: string | null;
  emailTo: string[];
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const EMPTY_TEST: TestDigestState = { outcome: null, message: null, sentAt: null };

export function DigestSettingsForm({ settings }: { settings: StoredDigestSettings }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(saveDigestSettingsAction, EMPTY_SAVE);
  const [test, testAction, testing] = useActionState<TestDigestState, FormData>(sendTestDigestAction, EMPTY_TEST);
  const [frequency, setFrequency] = useState(settings.frequency);
  const ids = useId();
  const invalid = (field: string) => (state.field === field ? true : undefined);
  return (
    <div className="space-y-6">
      <form onSubmit={keepValues(action)} aria-label="Digest settings" className="space-y-5">
        <input type="hidden" name="tenantRef" value={settings.tenantRef} />
        <div className="flex items-start gap-3">
          <input
            id={`${ids}-enabled`}
            name="enabled"
            type="checkbox"
            defaultChecked={settings.enabled}
            className="mt-1 size-4"
            aria-invalid={invalid("enabled")}
            aria-describedby={`${ids}-enabled-hint`}
          />
          <div>
            <label htmlFor={`${ids}-enabled`} className="text-sm font-medium text-slate-800 dark:text-slate-200">
              Send the digest on a schedule
            </label>
            <Hint id={`${ids}-enabled-hint`}>
              Findings opened, reopened and resolved over the period, and the devices Conditional Access treats as unregistered. Sent by the sync scheduler
              (JOINSCOPE_SYNC_INTERVAL_MINUTES above 0), once per period even with several app instances.
            </Hint>
          </div>
        </div>
        <fieldset className="grid gap-4 sm:grid-cols-3">
          <legend className="sr-only">Schedule</legend>
          <div>
            <label htmlFor={`${ids}-frequency`} className="label">
              How often
            </label>
            <select
              id={`${ids}-frequency`}
              name="frequency"
              value={frequency}
              onChange={(e) => setFrequency(e.target.value === "daily" ? "daily" : "weekly")}
              className="input"
            >
              <option value="weekly">Weekly (the last 7 days)</option>
              <option value="daily">Daily (the last 24 hours)</option>
            </select>
          </div>
          <div>
            <label htmlFor={`${ids}-weekday`} className="label">
              Day
            </label>
            <select id={`${ids}-weekday`} name="weekday" defaultValue={settings.weekday} className="input" disabled={frequency === "daily"}>
              {WEEKDAYS.map((d, i) => (
                <option key={d} value={i}>
                  {d}
                </option>
              ))}
            </select>
            {/* A disabled select is not submitted: the stored day stays. */}
            {frequency === "daily" ? <input type="hidden" name="weekday" value={settings.weekday} /> : null}
          </div>
          <div>
            <label htmlFor={`${ids}-hour`} className="label">
              Hour (UTC)
            </label>
            <select id={`${ids}-hour`} name="hour" defaultValue={settings.hour} className="input tabular-nums">
              {Array.from({ length: 24 }, (_, h) => (
                <option key={h} value={h}>
                  {String(h).padStart(2, "0")}:00 UTC
                </option>
              ))}
            </select>
          </div>
        </fieldset>

        <fieldset className="space-y-4">
          <legend className="text-[13px] font-semibold text-slate-800 dark:text-slate-200">Chat channels</legend>
          <WebhookField
            id={`${ids}-teams`}
            name="teamsWebhookUrl"
            removeName="removeTeamsWebhook"
            label="Microsoft Teams webhook URL"
            stored={settings.teamsWebhook}
            resetKey={state.savedAt}
            invalid={invalid("teamsWebhookUrl")}
            hint="A channel's incoming webhook (or a Workflows “when a Teams webhook request is received” flow): the digest is posted as an Adaptive Card."
          />
          <WebhookField
            id={`${ids}-slack`}
            name="slackWebhookUrl"
            removeName="removeSlackWebhook"
            label="Slack webhook URL"
            stored={settings.slackWebhook}
            resetKey={state.savedAt}
            invalid={invalid("slackWebhookUrl")}
            hint="A Slack app's incoming webhook (https://hooks.slack.com/services/…): the digest is posted with Block Kit."
          />
        </fieldset>

        <fieldset className="space-y-4">
          <legend className="text-[13px] font-semibold text-slate-800 dark:text-slate-200">Email (SMTP)</legend>
          <div className="grid gap-4 sm:grid-cols-[1fr_8rem_12rem]">
            <Field id={`${ids}-smtp-host`} label="SMTP server" invalid={invalid("smtpHost")}>
              <input
                id={`${ids}-smtp-host`}
                name="smtpHost"
                defaultValue={settings.smtpHost ?? ""}
                placeholder="smtp.contoso.com"
                className="input"
                aria-invalid={invalid("smtpHost")}
              />
            </Field>
            <Field id={`${ids}-smtp-port`} label="Port" invalid={invalid("smtpPort")}>
              <input
                id={`${ids}-smtp-port`}
                name="smtpPort"
                type="number"
                inputMode="numeric"
                min={1}
                max={65535}
                defaultValue={settings.smtpPort ?? ""}
                placeholder="587"
                className="input tabular-nums"
                aria-invalid={invalid("smtpPort")}
              />
            </Field>
            <Field id={`${ids}-smtp-security`} label="Security">
              <select id={`${ids}-smtp-security`} name="smtpSecurity" defaultValue={settings.smtpSecurity} className="input">
                <option value="starttls">STARTTLS (587)</option>
                <option value="tls">TLS (465)</option>
                <option value="none">None (internal relay)</option>
              </select>
            </Field>
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id={`${ids}-smtp-user`} label="User name (optional)">
              <input id={`${ids}-smtp-user`} name="smtpUser" defaultValue={settings.smtpUser ?? ""} autoComplete="off" className="input" />
            </Field>
            <Field id={`${ids}-smtp-password`} label="Password">
              <input
                key={state.savedAt ?? 0}
                id={`${ids}-smtp-password`}
                name="smtpPassword"
                type="password"
                autoComplete="new-password"
                placeholder={settings.smtpPasswordSet ? "Stored: leave blank to keep it" : ""}
                className="input"
                aria-describedby={`${ids}-smtp-password-hint`}
              />
              <Hint id={`${ids}-smtp-password-hint`}>{settings.smtpPasswordSet ? "A password is stored (encrypted)." : "None stored."}</Hint>
              {settings.smtpPasswordSet ? <RemoveBox id={`${ids}-smtp-password-remove`} name="removeSmtpPassword" label="Remove the stored password" /> : null}
            </Field>
            <Field id={`${ids}-from`} label="From" invalid={invalid("emailFrom")}>
              <input
                id={`${ids}-from`}
                name="emailFrom"
                type="email"
                defaultValue={settings.emailFrom ?? ""}
                placeholder="joinscope@contoso.com"
                className="input"
                aria-invalid={invalid("emailFrom")}
              />
            </Field>
            <Field id={`${ids}-to`} label="To" invalid={invalid("emailTo")}>
              <input
                id={`${ids}-to`}
                name="emailTo"
                defaultValue={settings.emailTo.join(", ")}
                placeholder="endpoint-team@contoso.com, helpdesk@contoso.com"
                className="input"
                aria-invalid={invalid("emailTo")}
              />
            </Field>
          </div>
        </fieldset>

        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className="btn-primary" disabled={pending}>
            {pending ? "Saving…" : "Save digest settings"}
          </button>
          <Saved message={state.message} />
        </div>
        <InlineError message={state.error} />
      </form>

      <form action={testAction} aria-label="Test digest" className="border-t border-slate-200 pt-4 dark:border-slate-800">
        <input type="hidden" name="tenantRef" value={settings.tenantRef} />
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className="btn-secondary" disabled={testing}>
            {testing ? "Sending…" : "Send a test digest"}
          </button>
          <p className="text-xs text-slate-500 dark:text-slate-400">The last 7 days, now, to every channel saved above.</p>
        </div>
        {test.outcome === "ok" ? (
          <p role="status" className="mt-3 text-[13px] text-emerald-700 dark:text-emerald-400" data-testid="test-digest-result" data-outcome="ok">
            {test.message}
          </p>
        ) : test.outcome ? (
          <div data-testid="test-digest-result" data-outcome={test.outcome}>
            <InlineError
              message={test.message}
              title={test.outcome === "partial" ? "Not every channel took the digest" : "The test digest was not delivered"}
            />
          </div>
        ) : null}
      </form>
    </div>
  );
}

function Field({ id, label, invalid, children }: { id: string; label: string; invalid?: boolean; children: React.ReactNode }) {
  return (
    <div data-invalid={invalid ? "true" : undefined}>
      <label htmlFor={id} className="label">
        {label}
      </label>
      {children}
    </div>
  );
}

function RemoveBox({ id, name, label }: { id: string; name: string; label: string }) {
  return (
    <div className="mt-1.5 flex items-center gap-2">
      <input id={id} name={name} type="checkbox" className="size-3.5" />
      <label htmlFor={id} className="text-xs text-slate-600 dark:text-slate-400">
        {label}
      </label>
    </div>
  );
}

/** A webhook URL is a credential: the field is always empty; what is stored shows as its host and last four characters. */
function WebhookField({
  id,
  name,
  removeName,
  label,
  stored,
  invalid,
  hint,
  resetKey,
}: {
  id: string;
  name: string;
  removeName: string;
  label: string;
  stored: string | null;
  invalid?: boolean;
  hint: string;
  /** Changes after a save: the field is emptied, so the URL just saved does not stay on screen. */
  resetKey: number | null;
}) {
  return (
    <div>
      <label htmlFor={id} className="label">
        {label}
      </label>
      <input
        key={resetKey ?? 0}
        id={id}
        name={name}
        type="url"
        autoComplete="off"
        spellCheck={false}
        placeholder={stored ? "Stored: leave blank to keep it" : "https://…"}
        className="input font-mono text-xs"
        aria-invalid={invalid}
        aria-describedby={`${id}-hint`}
      />
      <Hint id={`${id}-hint`}>
        {stored ? (
          <>
            Stored (encrypted):{" "}
            <code className="font-mono" data-testid={`${name}-stored`}>
              {stored}
            </code>
            .{" "}
          </>
        ) : null}
        {hint}
      </Hint>
      {stored ? <RemoveBox key={resetKey ?? 0} id={`${id}-remove`} name={removeName} label="Remove this webhook" /> : null}
    </div>
  );
}
