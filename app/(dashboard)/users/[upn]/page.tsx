import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { directDb } from "@/lib/db/direct";
import { ensureDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { findUserDevices } from "@/lib/queries/find-user-devices";
import { UserPrincipalName } from "@/lib/url-params/search-params";
import { DataTable, TBody, Td, Th, THead } from "../../../_components/data-table";
import { NoTenantState } from "../../../_components/no-tenant-state";
import { RelativeTime } from "../../../_components/relative-time";
import { getDashboardContext } from "../../_lib/dashboard-context";
import { DeviceResultHead, DeviceResultRow } from "../../_components/device-result-rows";

type Params = Promise<{ upn: string }>;

function readUpn(raw: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const parsed = UserPrincipalName.safeParse(decoded);
  return parsed.success ? parsed.data : null;
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: readUpn((await params).upn) ?? "User not found" };
}

export default async function UserPage({ params }: { params: Params }) {
  const { tenant, now } = await getDashboardContext();
  const upn = readUpn((await params).upn);
  if (!upn) notFound();
  if (!tenant) return <NoTenantState title={upn} items="Devices" />;
  await ensureDeviceSummaries(tenant.id);
  const user = await findUserDevices(directDb(), { tenantRef: tenant.id, userPrincipalName: upn });

  return (
    <div className="space-y-6">
      <div>
        <nav aria-label="Breadcrumb" className="mb-2 text-xs text-slate-500 dark:text-slate-400">
          <Link href={`/search?q=${encodeURIComponent(upn)}`} className="hover:text-slate-900 hover:underline dark:hover:text-slate-100">
            Search
          </Link>
          <span aria-hidden="true"> / </span>
          <span>{upn}</span>
        </nav>
        <h1 className="text-xl font-semibold tracking-tight">{upn}</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-400">
          The machines this user signs in on: devices whose reports were captured in their session (their UPN as the executing account, or the PRT
          attempt&apos;s user), the last 30 days, newest first.
        </p>
      </div>
      {user.devices.length === 0 ? (
        <p className="card px-5 py-4 text-slate-500 dark:text-slate-400">
          No report of {tenant.name} was captured under {upn}.
        </p>
      ) : (
        <DataTable caption={`Devices ${upn} signs in on`}>
          <THead>
            <DeviceResultHead />
            <Th>Last report as this user</Th>
            <Th>Reports</Th>
          </THead>
          <TBody>
            {user.devices.map((d) => (
              <DeviceResultRow
                key={d.subjectKey}
                device={d}
                testId="user-device"
                extra={
                  <>
                    <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400">
                      <Link href={`/reports/${d.lastReportId}`} className="link relative z-10">
                        <RelativeTime iso={d.lastSeenAt} now={now} />
                      </Link>
                    </Td>
                    <Td className="tabular-nums">{d.reports}</Td>
                  </>
                }
              />
            ))}
          </TBody>
        </DataTable>
      )}
      {user.moreDevices || user.truncated ? (
        <p className="text-xs text-slate-500 dark:text-slate-400">
          {user.moreDevices ? "The 100 machines this user signed in on most recently; " : ""}read from the user&apos;s newest 2,000 reports. A shared account
          signs in on many machines: search for the device instead.
        </p>
      ) : null}
    </div>
  );
}
