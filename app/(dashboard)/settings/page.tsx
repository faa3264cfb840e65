import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { listAccessLimits, type AccessLimitRow } from "@/lib/access/list-access-limits";
import { listDashboardUsers, type DashboardUserRow } from "@/lib/access/list-dashboard-users";
import { tenantsInScope } from "@/lib/auth/tenant-scope";
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
import { AccessLimitForm, RemoveAccessLimitForm } from "./forms/access-limit-forms";
import { AppRegistration, type CloudOption } from "./forms/app-registration";
import { RetentionSettingsForm } from "./forms/retention-settings-form";
import { SyncScopeEditor } from "./forms/sync-scope-editor";
import { SyncSettingsForm } from "./forms/sync-settings-form";
import { DigestSettingsForm } from "./forms/digest-settings-form";
import { findDigestSettings, type DigestSettingsView } from "@/lib/digest/digest-settings";
import { describeDigestSchedule } from "@/lib/digest/digest-schedule";

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
  const { admin, tenant: headerTenant, now } = await getDashboardContextFor("Admin");
  const wanted = SearchParams.parse(await searchParams).tenant;
  // An Admin limited to some tenants (decision 027) sees and edits those only; users, limits and failed sign-ins,
  // which are not any one tenant's, are left to an Admin without a limit.
  const unlimited = admin.tenantScope === null;
  const rows = tenantsInScope(admin.tenantScope, await listTenantSettingsRows(db));
  const selectedId = rows.find((r) => r.id === wanted)?.id ?? headerTenant?.id ?? rows[0]?.id ?? null;
  const selected = selectedId ? await findTenantSettings(db, { tenantRef: selectedId }) : null;
  // The database's size names every tenant: for an Admin without a limit.
  const storage = unlimited && rows.length > 0 ? await findDatabaseSize(directDb()) : null;
  const digest = selected ? await findDigestSettings(db, selected.id) : null;
  const failedSignIns = unlimited ? await findFailedSignIns(db, { limit: 20 }) : null;
  const limits = unlimited ? await listAccessLimits(db) : null;
  const users = unlimited ? await listDashboardUsers(db) : null;

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
        {unlimited ? (
          <details className="card group mt-4 p-5" open={rows.length === 0}>
            <summary className="cursor-pointer text-sm font-semibold select-none">Add tenant</summary>
            <div className="mt-4">
              <RegisterTenantForm openSettings />
            </div>
          </details>
        ) : null}
      </section>

      {selected && digest ? <TenantPanel key={selected.id} tenant={selected} digest={digest} now={now} /> : null}

      {storage ? <StorageSection size={storage} selectedId={selectedId} /> : null}

      {limits && users ? <UsersSection users={users} limits={limits} tenants={rows.map((r) => ({ id: r.id, name: r.name }))} now={now} /> : null}

      {failedSignIns ? <FailedSignIns failures={failedSignIns} now={now} /> : null}
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

/**
 * Settings → Users (decision 027): who is limited to which tenants. Nobody is limited until an Admin says so; a user
 * matched by several limits (their own, their groups') sees the tenants of all of them.
 */
function UsersSection({
  users,
  limits,
  tenants,
  now,
}: {
  users: DashboardUserRow[];
  limits: AccessLimitRow[];
  tenants: { id: string; name: string }[];
  now: string;
}) {
  const names = new Map(tenants.map((t) => [t.id, t.name]));
  const seen = (scope: DashboardUserRow["tenantScope"]) =>
    scope === null ? "All tenants" : scope.length === 0 ? "None" : scope.map((id) => names.get(id) ?? "a deleted tenant").join(", ");
  return (
    <section aria-labelledby="users" data-testid="access-limits" className="space-y-4">
      <div>
        <h2 id="users" className="text-sm font-semibold">
          Users
        </h2>
        <p className="mt-1 max-w-3xl text-[13px] text-slate-600 dark:text-slate-400">
          Everyone with a role sees every tenant unless a limit below names them or one of their Entra groups: then they see only the tenants of those limits,
          on every page, export and API call. Roles are set in Entra ID (app roles) or with <code>joinscope admin set-role</code>.
        </p>
      </div>
      <DataTable caption="Accounts">
        <THead>
          <Th>Account</Th>
          <Th>Role</Th>
          <Th>Signs in with</Th>
          <Th>Last sign-in</Th>
          <Th>Sees</Th>
        </THead>
        <TBody>
          {users.map((u) => (
            <tr key={u.email} data-testid="user-row">
              <Td>
                <span className="font-medium">{u.name}</span> <span className="text-xs text-slate-500 dark:text-slate-400">{u.email}</span>
                {u.disabled ? <span className="ml-2 text-xs text-red-700 dark:text-red-400">disabled</span> : null}
              </Td>
              <Td>{u.role ?? <span className="text-slate-500">No role</span>}</Td>
              <Td>{u.source === "entra" ? "Microsoft" : "Password"}</Td>
              <Td>{u.lastLoginAt ? <RelativeTime iso={u.lastLoginAt} now={now} /> : <span className="text-slate-500">Never</span>}</Td>
              <Td data-testid="user-tenants">{seen(u.tenantScope)}</Td>
            </tr>
          ))}
        </TBody>
      </DataTable>
      {limits.length === 0 ? (
        <p className="text-[13px] text-slate-500 dark:text-slate-400">No limit yet: everyone sees every tenant.</p>
      ) : (
        <DataTable caption="Access limits">
          <THead>
            <Th>User or group</Th>
            <Th>Account</Th>
            <Th>Tenants</Th>
            <Th>Changed</Th>
            <Th>
              <span className="sr-only">Remove</span>
            </Th>
          </THead>
          <TBody>
            {limits.map((l) => (
              <tr key={l.id} data-testid="access-limit-row">
                <Td>
                  <span className="text-xs text-slate-500 dark:text-slate-400">{l.kind === "group" ? "Group " : "User "}</span>
                  <span className="font-mono text-xs">{l.principal}</span>
                </Td>
                <Td>
                  {l.account ? (
                    `${l.account.name} (${l.account.role ?? "no role"}, ${l.account.source})`
                  ) : (
                    <span className="text-slate-500">Not signed in yet</span>
                  )}
                </Td>
                <Td>{l.tenants.length === 0 ? <span className="text-slate-500">None</span> : l.tenants.map((t) => t.name).join(", ")}</Td>
                <Td>
                  <RelativeTime iso={l.updatedAt} now={now} /> by {l.updatedBy}
                </Td>
                <Td>
                  <RemoveAccessLimitForm id={l.id} principal={l.principal} />
                </Td>
              </tr>
            ))}
          </TBody>
        </DataTable>
      )}
      <div className="card p-5">
        <h3 className="mb-3 text-sm font-semibold">Limit a user or group to some tenants</h3>
        <AccessLimitForm tenants={tenants} />
      </div>
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

const OUTCOME: Record<string, { label: string; tone: string }> = {
  ok: { label: "Delivered", tone: "text-emerald-700 dark:text-emerald-400" },
  partial: { label: "Partly delivered", tone: "text-amber-700 dark:text-amber-400" },
  failed: { label: "Failed", tone: "text-red-700 dark:text-red-400" },
};

/** The latest digest sent (scheduled or a test): when, the outcome, and each channel's answer. */
function LastDelivery({ delivery, now }: { delivery: DigestSettingsView["lastDelivery"]; now: string }) {
  return (
    <div className="mb-4 rounded-md border border-slate-200 px-3 py-2 text-[13px] dark:border-slate-800" data-testid="digest-last-delivery">
      {delivery ? (
        <>
          <p>
            <span className="font-medium">Last delivery</span> ({delivery.trigger === "test" ? "test" : "scheduled"}),{" "}
            <RelativeTime iso={delivery.at} now={now} />:{" "}
            <span className={`font-semibold ${OUTCOME[delivery.outcome]?.tone ?? ""}`} data-testid="digest-last-outcome">
              {OUTCOME[delivery.outcome]?.label ?? delivery.outcome}
            </span>
          </p>
          <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400" data-testid="digest-last-detail">
            {delivery.detail}
          </p>
        </>
      ) : (
        <p className="text-slate-500 dark:text-slate-400">No digest sent yet.</p>
      )}
    </div>
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

function TenantPanel({ tenant, digest, now }: { tenant: TenantSettings; digest: DigestSettingsView; now: string }) {
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

      <Card
        id="digest"
        title="Digest"
        description={
          <>
            What changed in {tenant.name}, sent to a Teams or Slack channel and by email.{" "}
            <span className="font-medium text-slate-800 dark:text-slate-200" data-testid="digest-schedule">
              {digest.enabled ? `On: ${describeDigestSchedule(digest)}.` : "Off."}
            </span>{" "}
            Webhook URLs and the SMTP password are stored encrypted and never shown again.
          </>
        }
      >
        <LastDelivery delivery={digest.lastDelivery} now={now} />
        <DigestSettingsForm settings={{ tenantRef: tenant.id, ...digest }} />
      </Card>
    </section>
  );
}
