import type { Metadata } from "next";
import Link from "next/link";
import { listAgentDevices, type AgentDevicePage, type AgentDeviceRow } from "@/lib/agent-devices/list-agent-devices";
import { DIRECT_UPLOAD_WINDOW_DAYS, listAgentTokens, type AgentTokenSummary } from "@/lib/agent-tokens/list-agent-tokens";
import { db } from "@/lib/db/client";
import {
  AGENT_DEVICE_STATUS_LABEL,
  AGENT_DEVICE_STATUSES,
  agentDeviceListHref,
  agentDeviceSortHref,
  DEFAULT_AGENT_DEVICE_LIST_PARAMS,
  parseAgentDeviceListParams,
  type AgentDeviceListParams,
  type AgentDeviceSort,
  type AgentDeviceStatus,
} from "@/lib/url-params/agent-device-list-params";
import { requestOrigin } from "../../_lib/cookie-security";
import { DataTable, SortableTh, TBody, Td, Th, THead } from "../../_components/data-table";
import { PageHeader } from "../../_components/page-header";
import { Pagination } from "../../_components/pagination";
import { RegisterTenantForm } from "../../_components/register-tenant-form";
import { RelativeTime } from "../../_components/relative-time";
import { getDashboardContextFor } from "../_lib/dashboard-context";
import { ShortId } from "../findings/finding-status-badge";
import { CreateTokenForm, DeviceActions, RequireEnrolmentButton, RevokeTokenButton } from "./agent-forms";

export const metadata: Metadata = { title: "Agents" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AgentsPage({ searchParams }: { searchParams: SearchParams }) {
  const { admin, tenants, tenant, now } = await getDashboardContextFor("Operator");
  const params = parseAgentDeviceListParams(await searchParams);
  const [tokens, origin, devices] = await Promise.all([
    listAgentTokens(db, { now: new Date(now), tenantScope: admin.tenantScope }),
    requestOrigin(),
    tenant ? listAgentDevices(db, { tenantRef: tenant.id, params, now: new Date(now) }) : Promise.resolve(null),
  ]);

  return (
    <div className="space-y-8">
      <PageHeader
        title="Agents"
        description="The Windows agent enrols with an agent token, then uploads dsregcmd /status with a key of its own. Each token belongs to one tenant; tokens and devices can be revoked alone."
      />

      {tenants.length === 0 ? (
        <section aria-labelledby="register-tenant" className="card p-5">
          <h2 id="register-tenant" className="text-sm font-semibold">
            Register your tenant
          </h2>
          <p className="mt-1 mb-4 text-slate-600 dark:text-slate-400">
            Agent tokens belong to an Entra ID tenant. Register the tenant your devices are joined to.
          </p>
          <RegisterTenantForm />
        </section>
      ) : (
        <section aria-labelledby="create-token" className="card p-5">
          <h2 id="create-token" className="text-sm font-semibold">
            Create an agent token
          </h2>
          <p className="mt-1 mb-4 text-slate-600 dark:text-slate-400">
            Use one token per deployment (an Intune script, a scheduled task) so you can revoke it alone. Revoking a token stops enrolments through it; devices
            already enrolled keep uploading.
          </p>
          <CreateTokenForm tenants={tenants.map((t) => ({ id: t.id, name: t.name }))} selectedTenantId={tenant?.id ?? null} origin={origin} />
        </section>
      )}

      <TokenTable tokens={tokens} now={now} />

      {tenant && devices ? <EnrolledDevices tenantName={tenant.name} page={devices} params={params} now={now} /> : null}

      {tenants.length > 0 ? (
        <details className="card group p-5">
          <summary className="cursor-pointer text-sm font-semibold select-none">Register another tenant</summary>
          <div className="mt-4">
            <RegisterTenantForm />
          </div>
        </details>
      ) : null}
    </div>
  );
}

function TokenTable({ tokens, now }: { tokens: AgentTokenSummary[]; now: string }) {
  return (
    <section aria-labelledby="token-list">
      <h2 id="token-list" className="mb-3 text-sm font-semibold">
        Agent tokens <span className="font-normal text-slate-500 dark:text-slate-400">({tokens.length})</span>
      </h2>
      {tokens.length === 0 ? (
        <p className="card px-5 py-8 text-center text-slate-500 dark:text-slate-400">No agent tokens yet.</p>
      ) : (
        <DataTable caption="Agent tokens">
          <THead>
            <Th>Name</Th>
            <Th>Token</Th>
            <Th>Tenant</Th>
            <Th>Created</Th>
            <Th>Last used</Th>
            <Th className="text-right">Enrolled devices</Th>
            <Th>Direct uploads</Th>
            <Th>Status</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </THead>
          <TBody>
            {tokens.map((t) => (
              <tr key={t.id} data-testid="token-row" className={t.revokedAt ? "text-slate-500 dark:text-slate-500" : ""}>
                <Td className="font-medium">{t.name}</Td>
                <Td className="font-mono text-xs">{t.prefix}…</Td>
                <Td>{t.tenantName}</Td>
                <Td className="whitespace-nowrap">
                  <RelativeTime iso={t.createdAt} now={now} />
                  {t.createdBy ? <span className="block text-xs text-slate-500 dark:text-slate-400">{t.createdBy}</span> : null}
                </Td>
                <Td>{t.lastUsedAt ? <RelativeTime iso={t.lastUsedAt} now={now} /> : <span className="text-slate-400 dark:text-slate-500">Never</span>}</Td>
                <Td className="text-right tabular-nums" data-testid="token-devices">
                  {t.enrolledDevices.toLocaleString("en")}
                </Td>
                <Td data-testid="token-direct-uploads">
                  <DirectUploads token={t} />
                </Td>
                <Td>
                  {t.revokedAt ? (
                    <span
                      className="inline-flex items-center rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-400"
                      title={t.revokedAt}
                    >
                      Revoked
                    </span>
                  ) : (
                    <span className="inline-flex items-center rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-600/20 ring-inset dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/25">
                      Active
                    </span>
                  )}
                </Td>
                <Td className="text-right">{t.revokedAt ? null : <RevokeTokenButton id={t.id} name={t.name} />}</Td>
              </tr>
            ))}
          </TBody>
        </DataTable>
      )}
    </section>
  );
}

/** Whether agents before version 2 still upload with the token itself, how many machines did lately, and the switch. */
function DirectUploads({ token }: { token: AgentTokenSummary }) {
  const machines = `${token.directUploadHosts.toLocaleString("en")} ${token.directUploadHosts === 1 ? "machine" : "machines"} in ${DIRECT_UPLOAD_WINDOW_DAYS} days`;
  if (!token.allowsDirectUpload) {
    return (
      <span className="text-slate-500 dark:text-slate-400" title="The token only enrols devices; direct uploads get 401 enrolment-required">
        Enrolment only{token.directUploadHosts > 0 ? <span className="block text-xs">{machines} before</span> : null}
      </span>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-x-2">
      <span>
        Allowed
        <span className="block text-xs text-slate-500 dark:text-slate-400">{machines}</span>
      </span>
      {token.revokedAt ? null : <RequireEnrolmentButton id={token.id} name={token.name} />}
    </div>
  );
}

function EnrolledDevices({ tenantName, page, params, now }: { tenantName: string; page: AgentDevicePage; params: AgentDeviceListParams; now: string }) {
  const filtered = params.q !== "" || params.status !== null;
  const dir = (sort: AgentDeviceSort) => (params.sort === sort ? params.dir : null);
  const { counts } = page;
  return (
    <section aria-labelledby="enrolled-devices-heading" id="enrolled-devices" className="scroll-mt-4">
      <h2 id="enrolled-devices-heading" className="mb-1 text-sm font-semibold">
        Enrolled devices of {tenantName}{" "}
        <span className="font-normal text-slate-500 dark:text-slate-400" data-testid="device-counts">
          ({counts.all.toLocaleString("en")}: {counts.active.toLocaleString("en")} active, {counts.rotation.toLocaleString("en")} rotation requested,{" "}
          {counts.revoked.toLocaleString("en")} revoked)
        </span>
      </h2>
      <p className="mb-3 text-[13px] text-slate-600 dark:text-slate-400">
        Each device uploads with its own key, for its own hostname only. Revoke one to stop its uploads; it cannot enrol again until you allow it. Keys are
        rotated at the device&apos;s next contact when you ask, or when they are older than the maximum age.
      </p>
      <DeviceFilters params={params} />
      {counts.all === 0 ? (
        <p className="card px-5 py-8 text-center text-slate-500 dark:text-slate-400">
          No enrolled devices yet: they appear when an agent enrols with one of the tokens above.
        </p>
      ) : (
        <DataTable
          caption={`Enrolled devices of ${tenantName}`}
          footer={<Pagination page={page.page} pageSize={page.pageSize} total={page.total} hrefFor={(p) => agentDeviceListHref(params, { page: p })} />}
        >
          <THead>
            <SortableTh label="Hostname" href={agentDeviceSortHref(params, "hostname")} direction={dir("hostname")} />
            <Th>Device ID</Th>
            <SortableTh label="Enrolled" href={agentDeviceSortHref(params, "enrolled")} direction={dir("enrolled")} />
            <SortableTh label="Last contact" href={agentDeviceSortHref(params, "lastSeen")} direction={dir("lastSeen")} />
            <Th>Key age</Th>
            <Th>Agent version</Th>
            <Th>Status</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </THead>
          <TBody>
            {page.rows.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-4 py-12 text-center text-slate-500 dark:text-slate-400">
                  No enrolled devices match these filters.{" "}
                  {filtered ? (
                    <Link href="/agents#enrolled-devices" className="link">
                      Clear filters
                    </Link>
                  ) : null}
                </td>
              </tr>
            ) : (
              page.rows.map((d) => <DeviceRow key={d.id} d={d} now={now} />)
            )}
          </TBody>
        </DataTable>
      )}
    </section>
  );
}

function DeviceRow({ d, now }: { d: AgentDeviceRow; now: string }) {
  const keyDays = Math.floor((Date.parse(now) - Date.parse(d.keyIssuedAt)) / 86_400_000);
  return (
    <tr data-testid="agent-device-row" className={d.status === "revoked" ? "text-slate-500 dark:text-slate-500" : ""}>
      <Td className="font-medium whitespace-nowrap">{d.hostname}</Td>
      <Td className="whitespace-nowrap">
        <ShortId id={d.deviceId} />
        {d.proof ? (
          <span
            className="block text-xs text-emerald-700 dark:text-emerald-400"
            title={`Signed with the device certificate ${d.proof.thumbprint}, which Entra ID holds for this device (${d.proof.verifiedAt})`}
          >
            Proven by device certificate
          </span>
        ) : d.deviceId ? (
          <span className="block text-xs text-slate-500 dark:text-slate-400" title="The agent did not sign with this device's certificate; see the agent's log">
            Not proven
          </span>
        ) : null}
      </Td>
      <Td className="whitespace-nowrap">
        <RelativeTime iso={d.enrolledAt} now={now} />
        <span
          className="block text-xs text-slate-500 dark:text-slate-400"
          title={d.enrolledFromAddress ? `Latest enrolment from ${d.enrolledFromAddress}` : undefined}
        >
          via {d.enrolledVia ? `${d.enrolledVia.name} (${d.enrolledVia.prefix}…)` : "a deleted token"}
          {d.lastEnrolledAt !== d.enrolledAt ? (
            <>
              , again <RelativeTime iso={d.lastEnrolledAt} now={now} />
            </>
          ) : null}
        </span>
      </Td>
      <Td>{d.lastSeenAt ? <RelativeTime iso={d.lastSeenAt} now={now} /> : <span className="text-slate-400 dark:text-slate-500">Never</span>}</Td>
      <Td className="whitespace-nowrap">
        <span title={`Key ${d.keyPrefix}… issued ${d.keyIssuedAt}`}>{keyDays < 1 ? "today" : `${keyDays} ${keyDays === 1 ? "day" : "days"}`}</span>
        {d.keyDue && d.status === "active" ? <span className="ml-1.5 text-xs text-amber-700 dark:text-amber-400">rotation due</span> : null}
      </Td>
      <Td className="font-mono text-xs">{d.agentVersion ?? "—"}</Td>
      <Td>
        <DeviceStatusBadge status={d.status} />
        {d.status === "revoked" && d.revokedBy ? (
          <span className="block max-w-48 truncate text-xs text-slate-500 dark:text-slate-400" title={d.revokedBy}>
            {d.revokedBy.startsWith("superseded by agent") ? "replaced (device proof)" : `by ${d.revokedBy}`}
          </span>
        ) : null}
      </Td>
      <Td className="text-right">
        <DeviceActions id={d.id} hostname={d.hostname} status={d.status} reEnrolAllowed={d.reEnrolAllowedAt !== null} />
      </Td>
    </tr>
  );
}

const STATUS_CLASS: Record<AgentDeviceStatus, string> = {
  active: "bg-emerald-50 text-emerald-800 ring-1 ring-emerald-600/20 ring-inset dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/25",
  rotation: "bg-amber-50 text-amber-800 ring-1 ring-amber-600/20 ring-inset dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/25",
  revoked: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-400",
};

function DeviceStatusBadge({ status }: { status: AgentDeviceStatus }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${STATUS_CLASS[status]}`}>
      {AGENT_DEVICE_STATUS_LABEL[status]}
    </span>
  );
}

/** A plain GET form: works without JavaScript and writes the filters into the URL. */
function DeviceFilters({ params }: { params: AgentDeviceListParams }) {
  const changed = params.q !== "" || params.status !== null;
  return (
    <form method="get" action="/agents#enrolled-devices" role="search" aria-label="Filter enrolled devices" className="mb-4 flex flex-wrap items-end gap-3">
      <div className="w-full sm:w-72">
        <label htmlFor="device-q" className="label text-xs">
          Hostname
        </label>
        <input id="device-q" name="q" type="search" defaultValue={params.q} placeholder="e.g. PC-0142" className="input py-1.5" />
      </div>
      <div>
        <label htmlFor="device-status" className="label text-xs">
          Status
        </label>
        <select id="device-status" name="status" defaultValue={params.status ?? ""} className="input w-auto py-1.5 pr-8">
          <option value="">All statuses</option>
          {AGENT_DEVICE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {AGENT_DEVICE_STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      {params.sort !== DEFAULT_AGENT_DEVICE_LIST_PARAMS.sort ? <input type="hidden" name="sort" value={params.sort} /> : null}
      {params.dir !== DEFAULT_AGENT_DEVICE_LIST_PARAMS.dir ? <input type="hidden" name="dir" value={params.dir} /> : null}
      <div className="flex gap-2 pb-px">
        <button type="submit" className="btn-primary py-1.5">
          Search
        </button>
        {changed ? (
          <Link href="/agents#enrolled-devices" className="btn-ghost py-1.5">
            Reset
          </Link>
        ) : null}
      </div>
    </form>
  );
}
