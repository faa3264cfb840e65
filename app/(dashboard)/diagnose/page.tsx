import type { Metadata } from "next";
import { PageHeader } from "../../_components/page-header";
import { getDashboardContext } from "../_lib/dashboard-context";
import { DiagnoseForm } from "./diagnose-form";

export const metadata: Metadata = { title: "Diagnose" };

export default async function DiagnosePage() {
  const { tenant } = await getDashboardContext();
  return (
    <>
      <PageHeader
        title="Diagnose a device"
        description="Paste what dsregcmd /status printed on the machine, or open the file it was saved to. JoinScope explains why Conditional Access may call the device unregistered and how to fix it."
      />
      <DiagnoseForm tenantLabel={tenant ? `${tenant.name} (${tenant.tenantId})` : null} />
    </>
  );
}
