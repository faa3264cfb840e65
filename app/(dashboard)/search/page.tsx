import type { Metadata } from "next";
import Link from "next/link";
import { directDb } from "@/lib/db/direct";
import { ensureDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { searchDevicesAndUsers } from "@/lib/queries/search-devices-and-users";
import { parseSearchParams, userHref } from "@/lib/url-params/search-params";
import { DataTable, TBody, THead } from "../../_components/data-table";
import { NoTenantState } from "../../_components/no-tenant-state";
import { PageHeader } from "../../_components/page-header";
import { getDashboardContext } from "../_lib/dashboard-context";
import { DeviceResultHead, DeviceResultRow } from "../_components/device-result-rows";

export const metadata: Metadata = { title: "Search" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SearchPage({ searchParams }: { searchParams: SearchParams }) {
  const { tenant } = await getDashboardContext();
  const { q } = parseSearchParams(await searchParams);
  if (!tenant) return <NoTenantState title="Search" items="Devices and users" />;
  await ensureDeviceSummaries(tenant.id);
  const result = await searchDevicesAndUsers(directDb(), { tenantRef: tenant.id, q });

  return (
    <>
      <PageHeader
        title="Search"
        description="Devices by name, DeviceId or objectId; users by the start of the UPN their devices' reports were captured under (the last 30 days)."
      />
      <form method="get" action="/search" role="search" className="mb-6 flex max-w-xl gap-2">
        <label htmlFor="search-page-q" className="sr-only">
          Search devices and users
        </label>
        <input id="search-page-q" name="q" type="search" defaultValue={q} placeholder="PC-0466, a DeviceId, jdoe@contoso.com" className="input py-1.5" />
        <button type="submit" className="btn-primary py-1.5">
          Search
        </button>
      </form>
      {!result.q ? (
        <p className="text-slate-500 dark:text-slate-400">Type a device name, a DeviceId or objectId, or a user&apos;s UPN.</p>
      ) : (
        <div className="space-y-8">
          <section aria-labelledby="user-results">
            <h2 id="user-results" className="mb-2 text-sm font-semibold">
              Users{" "}
              <span className="font-normal text-slate-500 dark:text-slate-400">
                ({result.users.length}
                {result.moreUsers ? "+" : ""})
              </span>
            </h2>
            {result.users.length === 0 ? (
              <p className="text-slate-500 dark:text-slate-400">No report was captured under a UPN starting with “{result.q}”.</p>
            ) : (
              <ul className="card divide-y divide-slate-100 dark:divide-slate-800">
                {result.users.map((upn) => (
                  <li key={upn} data-testid="user-result">
                    <Link href={userHref(upn)} className="block px-5 py-2.5 font-medium hover:bg-slate-50 dark:hover:bg-slate-800/40">
                      {upn}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
            {result.moreUsers ? <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">More users match: type more of the UPN.</p> : null}
          </section>

          <section aria-labelledby="device-results">
            <h2 id="device-results" className="mb-2 text-sm font-semibold">
              Devices{" "}
              <span className="font-normal text-slate-500 dark:text-slate-400">
                ({result.devices.length}
                {result.moreDevices ? "+" : ""})
              </span>
            </h2>
            {result.devices.length === 0 ? (
              <p className="text-slate-500 dark:text-slate-400">No device name, DeviceId or objectId contains “{result.q}”.</p>
            ) : (
              <DataTable caption="Devices matching the search">
                <THead>
                  <DeviceResultHead withObjectId />
                </THead>
                <TBody>
                  {result.devices.map((d) => (
                    <DeviceResultRow key={`${d.subjectKey}-${d.objectId ?? ""}`} device={d} objectId={d.objectId} testId="device-result" />
                  ))}
                </TBody>
              </DataTable>
            )}
            {result.moreDevices ? (
              <p className="mt-2 text-xs">
                <Link href={`/devices?q=${encodeURIComponent(result.q)}`} className="link">
                  Every matching device in the Devices list
                </Link>
              </p>
            ) : null}
          </section>
        </div>
      )}
    </>
  );
}
