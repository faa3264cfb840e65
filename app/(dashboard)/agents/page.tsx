import type { Metadata } from "next";
import { db } from "@/lib/db/client";
import { listAgentTokens } from "@/lib/agent-tokens/list-agent-tokens";
import { requestOrigin } from "../../_lib/cookie-security";
import { DataTable, TBody, Td, Th, THead } from "../../_components/data-table";
import { PageHeader } from "../../_components/page-header";
import { RelativeTime } from "../../_components/relative-time";
import { getDashboardContext } from "../_lib/dashboard-context";
import { CreateTenantForm, CreateTokenForm, RevokeTokenButton } from "./agent-forms";

export const metadata: Metadata = { title: "Agents" };

export default async function AgentsPage() {
  const { tenants, tenant, now } = await getDashboardContext();
  const [tokens, origin] = await Promise.all([listAgentTokens(db), requestOrigin()]);

  return (
    <div className="space-y-8">
      <PageHeader
        title="Agents"
        description="Windows machines upload dsregcmd /status with an agent token. Each token belongs to one tenant and can be revoked at any time."
      />

      {tenants.length === 0 ? (
        <section aria-labelledby="register-tenant" className="card p-5">
          <h2 id="register-tenant" className="text-sm font-semibold">
            Register your tenant
          </h2>
          <p className="mt-1 mb-4 text-slate-600 dark:text-slate-400">Agent tokens belong to an Entra ID tenant. Register the tenant your devices are joined to.</p>
          <CreateTenantForm />
        </section>
      ) : (
        <section aria-labelledby="create-token" className="card p-5">
          <h2 id="create-token" className="text-sm font-semibold">
            Create an agent token
          </h2>
          <p className="mt-1 mb-4 text-slate-600 dark:text-slate-400">Use one token per deployment (an Intune script, a scheduled task) so you can revoke it alone.</p>
          <CreateTokenForm tenants={tenants.map((t) => ({ id: t.id, name: t.name }))} selectedTenantId={tenant?.id ?? null} origin={origin} />
        </section>
      )}

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
              <Th className="text-right">Reports</Th>
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
                  <Td className="text-right tabular-nums">{t.reportCount.toLocaleString("en")}</Td>
                  <Td>
                    {t.revokedAt ? (
                      <span className="inline-flex items-center rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-400" title={t.revokedAt}>
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

      {tenants.length > 0 ? (
        <details className="card group p-5">
          <summary className="cursor-pointer text-sm font-semibold select-none">Register another tenant</summary>
          <div className="mt-4">
            <CreateTenantForm />
          </div>
        </details>
      ) : null}
    </div>
  );
}
