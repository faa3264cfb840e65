import type { Metadata } from "next";
import { hasRole } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { connectorStateFindings } from "@/lib/proxy/connector-state";
import { loadConnectorState } from "@/lib/proxy/load-connector-state";
import { findProxyDiagnoses } from "@/lib/queries/find-proxy-diagnoses";
import { PageHeader } from "../../_components/page-header";
import { getDashboardContext } from "../_lib/dashboard-context";
import { ConnectorStatePanel } from "./connector-state-panel";
import { ProxyDiagnoseForm } from "./proxy-diagnose-form";
import { SavedDiagnoses } from "./saved-diagnoses";

export const metadata: Metadata = { title: "Proxy diagnostics" };
export const dynamic = "force-dynamic";

export default async function ProxyPage() {
  const { admin, tenant, now } = await getDashboardContext();
  const [state, saved] = await Promise.all([
    tenant ? loadConnectorState(db, tenant.id) : null,
    tenant ? findProxyDiagnoses(db, { tenantRef: tenant.id }) : null,
  ]);
  return (
    <>
      <PageHeader
        title="Proxy diagnostics"
        description="Why does an app published through Microsoft Entra application proxy answer 504 GatewayTimeout? Give JoinScope the connector's trace, its Admin event log and the browser session: it pairs each failed request with what the connector wrote and says what to fix."
      />
      <div className="space-y-8">
        <ProxyDiagnoseForm canSave={hasRole(admin.role, "Operator")} tenantName={tenant?.name ?? null} />
        {saved ? (
          <section aria-labelledby="saved-heading" className="space-y-3">
            <h2 id="saved-heading" className="text-base font-semibold text-slate-900 dark:text-slate-100">
              Saved diagnoses{tenant ? ` of ${tenant.name}` : ""}
            </h2>
            <SavedDiagnoses rows={saved.rows} total={saved.total} now={now} />
          </section>
        ) : null}
        <section aria-labelledby="connectors-heading" className="space-y-3">
          <h2 id="connectors-heading" className="text-base font-semibold text-slate-900 dark:text-slate-100">
            Connectors{tenant ? ` of ${tenant.name}` : ""}
          </h2>
          <ConnectorStatePanel tenantName={tenant?.name ?? null} state={state} findings={state?.ok ? connectorStateFindings(state.groups) : []} />
        </section>
      </div>
    </>
  );
}
