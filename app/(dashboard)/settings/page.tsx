import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { formatAbsoluteTime } from "@/lib/display/format-time";
import { formatBytes, formatShare } from "@/lib/display/format-bytes";
import { CLOUDS } from "@/lib/graph/clouds";
import { findDatabaseSize, type DatabaseSize } from "@/lib/queries/find-database-size";
import { findFailedSignIns, type FailedSignIn } from "@/lib/queries/find-failed-sign-ins";
import { findTenantSettings, listTenantSettingsRows, type TenantSettings } from "@/lib/queries/find-tenant-settings";
import { MIN_STALE_THRESHOLD_DAYS } from "@/lib/rules/device-subject";
import { MAX_RETENTION_CHANGE_DAYS, MAX_RETENTION_TEXT_CHANGES, MIN_RETENTION_CHANGE_DAYS } from "@/lib/tenants/update-tenant-settings";
import { DataTable, TBody, Td, Th, THead } from "../../_components/data-table";
import { EmptyState } from "../../_components/empty-state";
import { AlertIcon, SettingsIcon } from "../../_components/icons";
import { PageHeader } from "../../_components/page-header";
import { RegisterTenantForm } from "../../_components/register-tenant-form";
import { RelativeTime } from "../../_components/relative-time";
import { getDashboardContextFor } from "../_lib/dashboard-context";
import { AppRegistration, type CloudOption } from "./forms/app-registration";
import { RetentionSettingsForm } from "./forms/retention-settings-form";
import { SyncScopeEditor } from "./forms/sync-scope-editor";
import { SyncSettingsForm } from "./forms/sync-settings-form";

export const metadata: Metadata = { title: "Settings" };

const CLOUD_OPTIONS: CloudOption[] = [
  ...Object.entries(CLOUDS).map(([value, c]) => ({ value, label: c.label })),
  { value: "custom", label: "Custom (simulator or test double)" },
];
const cloudLabel = (cloud: string) => CLOUD_OPTIONS.find((c) => c.value === cloud)?.label ?? cloud;

const SearchParams = z.object({
  tenant: z
    .preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().uuid())
    .optional()
    .catch(undefined),
});

export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { tenant: headerTenant, now } = await getDashboardContextFor("Admin");
  const wanted = SearchParams.parse(await searchParams).tenant;
  const rows = await listTenantSettingsRows(db);
  const selectedId = rows.find((r) => r.id === wanted)?.id ?? headerTenant?.id ?? rows[0]?.id ?? null;
  const selected = selectedId ? await findTenantSettings(db, { tenantRef: selectedId }) : null;
  const failedSignIns = await findFailedSignIns(db, { limit: 20 });
  const storage = rows.length > 0 ? await findDatabaseSize(directDb()) : null;

  return (
    <div className="space-y-8">
      <PageHeader
        title="Settings"
        description="Tenants, the app registration JoinScope reads Microsoft Graph with, and how each tenant is synced and judged."
      />

      <section aria-labelledby="tenant-list">
        <h2 id="tenant-list" className="mb-3 text-sm font-semibold">
          Tenants <span className="font-normal text-slate-500 dark:text-slate-400">({rows.length})</span>
        </h2>
        {rows.length === 0 ? (
          <EmptyState title="No tenant yet" icon={<SettingsIcon width={22} height={22} />}>
            Add the Entra ID tenant your devices are joined to. Agents can upload reports right away; directory sync needs an app registration.
          </EmptyState>
        ) : (
          <DataTable caption="Tenants">
            <THead>
              <Th>Name</Th>
              <Th>Tenant ID</Th>
              <Th>Cloud</Th>
              <Th>App registration</Th>
              <Th>Sync</Th>
              <Th>Last sync</Th>
            </THead>
            <TBody>
              {rows.map((t) => {
                const current = t.id === selectedId;
                return (
                  <tr
                    key={t.id}
                    data-testid="tenant-row"
                    className={current ? "bg-blue-50/60 dark:bg-blue-500/10" : "hover:bg-slate-50 dark:hover:bg-slate-800/40"}
                  >
                    <Td className="font-medium">
                      <Link
                        href={`/settings?tenant=${t.id}`}
                        aria-current={current ? "true" : undefined}
                        className={current ? "text-blue-800 dark:text-blue-200" : "link"}
                      >
                        {t.name}
                      </Link>
                    </Td>
                    <Td className="font-mono text-xs">{t.tenantId}</Td>
                    <Td>{cloudLabel(t.cloud)}</Td>
                    <Td>
                      {t.credentialType ? (
                        <Pill tone="ok">{t.credentialType === "secret" ? "Client secret" : "Certificate"}</Pill>
                      ) : (
                        <Pill tone="muted">Not set</Pill>
                      )}
                    </Td>
                    <Td>{t.syncEnabled ? <span>On</span> : <span className="text-slate-500 dark:text-slate-400">Off</span>}</Td>
                    <Td>{t.lastSyncAt ? <RelativeTime iso={t.lastSyncAt} now={now} /> : <span className="text-slate-500 dark:text-slate-400">Never</span>}</Td>
                  </tr>
                );
              })}
            </TBody>
          </DataTable>
        )}
        <details className="card group mt-4 p-5" open={rows.length === 0}>
          <summary className="cursor-pointer text-sm font-semibold select-none">Add tenant</summary>
          <div className="mt-4">
            <RegisterTenantForm openSettings />
          </div>
        </details>
      </section>

      {selected ? <TenantPanel key={selected.id} tenant={selected} /> : null}

      {storage ? <StorageSection size={storage} selectedId={selectedId} /> : null}

      <FailedSignIns failures={failedSignIns} now={now} />
    </div>
  );
}

/** The database's size and each tenant's estimated share (lib/queries/find-database-size.ts says how). */
function StorageSection({ size, selectedId }: { size: DatabaseSize; selectedId: string | null }) {
  return (
    <section aria-labelledby="storage" data-testid="storage">
      <h2 id="storage" className="mb-1 text-sm font-semibold">
        Storage
      </h2>
      <p className="mb-3 max-w-3xl text-[13px] text-slate-600 dark:text-slate-400">
        The database holds <strong data-testid="database-size">{formatBytes(size.totalBytes)}</strong>: {size.method}. Measured{" "}
        {formatAbsoluteTime(size.measuredAt)}, at most every five minutes.
      </p>
      <DataTable caption="Storage by tenant">
        <THead>
          <Th>Tenant</Th>
          <Th className="text-right">Estimated size</Th>
          <Th className="text-right">Share</Th>
          <Th className="text-right">Stored reports</Th>
        </THead>
        <TBody>
          {size.tenants.map((t) => (
            <tr key={t.tenantRef} data-testid="tenant-storage" className={t.tenantRef === selectedId ? "bg-blue-50/60 dark:bg-blue-500/10" : undefined}>
              <Td className="font-medium">{t.name}</Td>
              <Td className="text-right tabular-nums">{formatBytes(t.bytes)}</Td>
              <Td className="text-right tabular-nums">{formatShare(t.share)}</Td>
              <Td className="text-right tabular-nums">{t.reports.toLocaleString("en-US")}</Td>
            </tr>
          ))}
          <tr data-testid="shared-storage">
            <Td className="text-slate-600 dark:text-slate-400">No tenant&rsquo;s (accounts, audit log, free space)</Td>
            <Td className="text-right tabular-nums">{formatBytes(size.sharedBytes)}</Td>
            <Td className="text-right tabular-nums">{formatShare(size.totalBytes > 0 ? size.sharedBytes / size.totalBytes : 0)}</Td>
            <Td />
          </tr>
        </TBody>
      </DataTable>
    </section>
  );
}

const FAILURE_REASONS: Record<string, string> = {
  "invalid-credentials": "Wrong email or password",
  disabled: "Account disabled",
  locked: "Refused: too many attempts",
};

/** The audit log's newest admin.login.failed entries: what an admin checks after "was someone guessing?". */
function FailedSignIns({ failures, now }: { failures: FailedSignIn[]; now: string }) {
  return (
    <section aria-labelledby="failed-sign-ins" data-testid="failed-sign-ins">
      <h2 id="failed-sign-ins" className="mb-1 text-sm font-semibold">
        Recent failed sign-ins
      </h2>
      <p className="mb-3 max-w-3xl text-[13px] text-slate-600 dark:text-slate-400">
        The last {failures.length === 20 ? "20 " : ""}failed sign-ins to this dashboard, from the audit log. After {config.JOINSCOPE_LOGIN_MAX_FAILURES}{" "}
        failures in an hour an account is locked for {config.JOINSCOPE_LOGIN_LOCK_MINUTES} minutes, longer each further time; a client address after{" "}
        {config.JOINSCOPE_LOGIN_ADDRESS_MAX_FAILURES}. <code className="font-mono">joinscope admin enable</code> or{" "}
        <code className="font-mono">reset-password</code> on the server lifts an account&rsquo;s lock.
      </p>
      {failures.length === 0 ? (
        <p className="card px-4 py-3 text-[13px] text-slate-500 dark:text-slate-400">No failed sign-ins.</p>
      ) : (
        <DataTable caption="Recent failed sign-ins">
          <THead>
            <Th>When</Th>
            <Th>Email as typed</Th>
            <Th>Client address</Th>
            <Th>Outcome</Th>
          </THead>
          <TBody>
            {failures.map((f) => (
              <tr key={f.id} data-testid="failed-sign-in">
                <Td>
                  <RelativeTime iso={f.at} now={now} />
                </Td>
                <Td className="max-w-xs truncate font-mono text-xs" title={f.email}>
                  {f.email}
                </Td>
                <Td className="font-mono text-xs">{f.address}</Td>
                <Td>{FAILURE_REASONS[f.reason] ?? f.reason}</Td>
              </tr>
            ))}
          </TBody>
        </DataTable>
      )}
    </section>
  );
}

function Pill({ tone, children }: { tone: "ok" | "muted"; children: React.ReactNode }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${
        tone === "ok"
          ? "bg-emerald-50 text-emerald-800 ring-1 ring-emerald-600/20 ring-inset dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/25"
          : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-400"
      }`}
    >
      {children}
    </span>
  );
}

function Card({ id, title, description, children }: { id: string; title: string; description: React.ReactNode; children: React.ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="card scroll-mt-20 p-5">
      <h3 id={`${id}-title`} className="text-sm font-semibold">
        {title}
      </h3>
      <div className="mt-1 mb-4 max-w-3xl text-[13px] text-slate-600 dark:text-slate-400">{description}</div>
      {children}
    </section>
  );
}

function TenantPanel({ tenant }: { tenant: TenantSettings }) {
  const scopeSummary = tenant.syncScope.map((f) => `${f.name} (${f.include.length} included, ${f.exclude.length} excluded)`).join("; ");
  return (
    <section aria-labelledby="tenant-settings" className="space-y-4" data-testid="tenant-settings">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 border-b border-slate-200 pb-3 dark:border-slate-800">
        <h2 id="tenant-settings" className="text-base font-semibold tracking-tight">
          {tenant.name}
        </h2>
        <code className="font-mono text-xs text-slate-500 dark:text-slate-400">{tenant.tenantId}</code>
      </div>

      <Card
        id="app-registration"
        title="App registration"
        description={
          <>
            An app registration in {tenant.name} with the Microsoft Graph <em>application</em> permission Device.Read.All (admin-consented);
            BitlockerKey.ReadBasic.All and DeviceLocalCredential.ReadBasic.All are optional and let JoinScope warn before a re-join would lose a recovery key or
            LAPS password.
          </>
        }
      >
        <AppRegistration
          app={{
            tenantRef: tenant.id,
            cloud: tenant.cloud,
            authorityHost: tenant.authorityHost,
            graphBaseUrl: tenant.graphBaseUrl,
            clientId: tenant.clientId,
            credentialType: tenant.credentialType,
            certificateThumbprint: tenant.certificateThumbprint,
          }}
          clouds={CLOUD_OPTIONS}
        />
      </Card>

      <Card id="sync-settings" title="Sync and rules" description="How this tenant is synced, and the thresholds the directory rules use.">
        <SyncSettingsForm
          settings={{
            tenantRef: tenant.id,
            syncEnabled: tenant.syncEnabled,
            staleThresholdDays: tenant.staleThresholdDays,
            agentIntervalMinutes: tenant.agentIntervalMinutes,
            redactUserNames: tenant.redactUserNames,
          }}
          minStaleDays={MIN_STALE_THRESHOLD_DAYS}
        />
      </Card>

      <Card
        id="report-retention"
        title="Report history"
        description="A device's reports are stored as its changes, each counting the unchanged uploads that followed it. What the hourly retention run keeps:"
      >
        <RetentionSettingsForm
          settings={{
            tenantRef: tenant.id,
            retentionChangeDays: tenant.retentionChangeDays,
            retentionTextChanges: tenant.retentionTextChanges,
            keepEveryUpload: tenant.keepEveryUpload,
          }}
          limits={{ minChangeDays: MIN_RETENTION_CHANGE_DAYS, maxChangeDays: MAX_RETENTION_CHANGE_DAYS, maxTextChanges: MAX_RETENTION_TEXT_CHANGES }}
        />
      </Card>

      <Card
        id="sync-scope"
        title="Entra Connect sync scope"
        description={
          <>
            The OUs Entra Connect synchronises (domain and OU filtering), per forest. JoinScope flags a hybrid-joined computer whose DN is outside them: Connect
            never creates its device object, so it stays &ldquo;Pending&rdquo; or disappears.{" "}
            <span data-testid="scope-summary" className="font-medium text-slate-800 dark:text-slate-200">
              {scopeSummary ? `Configured: ${scopeSummary}.` : "Not configured: the out-of-sync-scope rule is off."}
            </span>
          </>
        }
      >
        <p className="mb-4 flex items-start gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-[13px] text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-100">
          <AlertIcon className="mt-0.5 shrink-0" width={16} height={16} />
          Saving a changed scope re-evaluates every device of this tenant against it.
        </p>
        <SyncScopeEditor tenantRef={tenant.id} forests={tenant.syncScope} />
      </Card>
    </section>
  );
}
