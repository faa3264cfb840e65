import type { Metadata } from "next";
import { db } from "@/lib/db/client";
import { connectorStateFindings } from "@/lib/proxy/connector-state";
import { loadConnectorState } from "@/lib/proxy/load-connector-state";
import { PageHeader } from "../../_components/page-header";
import { getDashboardContext } from "../_lib/dashboard-context";
import { ConnectorStatePanel } from "./connector-state-panel";
import { ProxyDiagnoseForm } from "./proxy-diagnose-form";

export const metadata: Metadata = { title: "Proxy diagnostics" };
export const dynamic = "force-dynamic";

export default async function ProxyPage() {
  const { tenant } = await getDashboardContext();
  const state = tenant ? await loadConnectorState(db, tenant.id) : null;
  return (
    <>
      <PageHeader
        title="Proxy diagnostics"
        description="Why does an app published through Microsoft Entra application proxy answer 504 GatewayTimeout? Give JoinScope the connector's trace, its Admin event log and the browser session: it pairs each failed request with what the connector wrote and says what to fix."
      />
      <div className="space-y-8">
        <ProxyDiagnoseForm />
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
