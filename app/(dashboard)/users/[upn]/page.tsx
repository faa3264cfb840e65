import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { directDb } from "@/lib/db/direct";
import { ensureDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { deviceHref } from "@/lib/queries/find-device-detail";
import { findUserDevices } from "@/lib/queries/find-user-devices";
import { findingHref } from "@/lib/ui/finding-anchor";
import { UserPrincipalName } from "@/lib/ui/search-params";
import { DataTable, TBody, Td, Th, THead } from "../../../_components/data-table";
import { WorstRankCell } from "../../../_components/device-state-cell";
import { NoTenantState } from "../../../_components/no-tenant-state";
import { RelativeTime } from "../../../_components/relative-time";
import { getDashboardContext } from "../../_lib/dashboard-context";
import { ShortId } from "../../findings/finding-status-badge";
import { DirectoryStateBadge } from "../../devices/directory-state-badge";

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
            <Th>Device</Th>
            <Th>State</Th>
            <Th>DeviceId</Th>
            <Th>Worst open finding</Th>
            <Th>Primary cause</Th>
            <Th>Last report as this user</Th>
            <Th>Reports</Th>
          </THead>
          <TBody>
            {user.devices.map((d) => (
              <tr key={d.subjectKey} className="relative hover:bg-slate-50 dark:hover:bg-slate-800/40" data-testid="user-device">
                <Td className="font-medium whitespace-nowrap">
                  <Link
                    href={deviceHref(d.subjectKey)}
                    className="after:absolute after:inset-0 after:content-[''] hover:text-blue-700 dark:hover:text-blue-300"
                  >
                    {d.name}
                  </Link>
                </Td>
                <Td>
                  {d.state ? (
                    <DirectoryStateBadge state={d.state as Parameters<typeof DirectoryStateBadge>[0]["state"]} />
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </Td>
                <Td>
                  <ShortId id={d.deviceId} />
                </Td>
                <Td>
                  <WorstRankCell rank={d.worstRank} />
                </Td>
                <Td>
                  {d.primaryRule ? (
                    <Link href={findingHref(d.subjectKey, d.primaryRule)} className="link relative z-10 font-mono text-xs">
                      {d.primaryRule}
                    </Link>
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </Td>
                <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400">
                  <Link href={`/reports/${d.lastReportId}`} className="link relative z-10">
                    <RelativeTime iso={d.lastSeenAt} now={now} />
                  </Link>
                </Td>
                <Td className="tabular-nums">{d.reports}</Td>
              </tr>
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
