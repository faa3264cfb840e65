import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { findSyncRuns, hasLiveRun, type SyncRunRow } from "@/lib/queries/find-sync-runs";
import { getTenantSyncStatus } from "@/lib/queries/get-tenant-sync-status";
import { formatDuration } from "@/lib/display/format-duration";
import { DataTable, TBody, Td, Th, THead } from "../../_components/data-table";
import { EmptyState } from "../../_components/empty-state";
import { SettingsIcon, SyncIcon } from "../../_components/icons";
import { PageHeader } from "../../_components/page-header";
import { RelativeTime } from "../../_components/relative-time";
import { getDashboardContext } from "../_lib/dashboard-context";
import { SyncButtons } from "./sync-controls";
import { SyncRunStatusBadge } from "./sync-run-status-badge";

export const metadata: Metadata = { title: "Sync" };

/** Graph keeps a delta token usable for about 7 days; after that the next delta answers syncStateNotFound. */
const DELTA_TOKEN_WARN_MS = 6 * 24 * 3600_000;

export default async function SyncPage() {
  const { tenant, now } = await getDashboardContext();
  if (!tenant) {
    return (
      <>
        <PageHeader title="Sync" />
        <EmptyState
          title="Register your first tenant"
          icon={<SettingsIcon width={22} height={22} />}
          actions={
            <Link href="/settings" className="btn-primary">
              Open Settings
            </Link>
          }
        >
          Directory sync reads the device objects of an Entra ID tenant from Microsoft Graph. Register the tenant and its app registration in Settings.
        </EmptyState>
      </>
    );
  }

  const nowDate = new Date(now);
  const [status, runs] = await Promise.all([getTenantSyncStatus(db, { tenantRef: tenant.id }), findSyncRuns(db, { tenantRef: tenant.id, now: nowDate })]);
  if (!status) return null;
  const live = hasLiveRun(runs);

  if (!status.hasAppRegistration && runs.length === 0) {
    return (
      <>
        <PageHeader title="Sync" description={`Directory sync from Microsoft Graph for ${tenant.name}.`} />
        <EmptyState
          title={`Connect ${tenant.name} to Microsoft Graph`}
          icon={<SyncIcon width={22} height={22} />}
          actions={
            <Link href={`/settings?tenant=${tenant.id}#app-registration`} className="btn-primary">
              Add the app registration
            </Link>
          }
        >
          JoinScope reads devices with an app registration of your own (application permission Device.Read.All, admin-consented) and a client secret or
          certificate. Add it in Settings, test the connection, then come back to sync.
        </EmptyState>
      </>
    );
  }

  const interval = config.JOINSCOPE_SYNC_INTERVAL_MINUTES;
  const latest = runs[0] ?? null;
  const liveRun = runs.find((r) => r.status === "running" && !r.stalled) ?? null;
  const deltaAge = status.deltaLinkAt ? nowDate.getTime() - Date.parse(status.deltaLinkAt) : null;
  const nextAt = status.lastSyncAt ? new Date(Date.parse(status.lastSyncAt) + interval * 60_000).toISOString() : null;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Sync"
        description={
          <>
            Device objects of <span className="font-medium text-slate-800 dark:text-slate-200">{tenant.name}</span> from Microsoft Graph. A delta sync reads
            what changed; a full resync reads every device and marks the ones Entra ID no longer has as deleted.
          </>
        }
        actions={<SyncButtons tenantRef={tenant.id} disabled={!status.hasAppRegistration} live={live} />}
      />

      <section aria-label="Sync status" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4" data-testid="sync-status">
        <Stat
          label="Last sync"
          value={status.lastSyncAt ? <RelativeTime iso={status.lastSyncAt} now={now} /> : "Never"}
          hint={latest ? `Latest run: ${latest.mode}, ${latest.stalled ? "stalled" : latest.status}` : "No run yet"}
        />
        <Stat
          label="Last full sync"
          value={status.lastFullSyncAt ? <RelativeTime iso={status.lastFullSyncAt} now={now} /> : "Never"}
          hint="Every device read; absent ones marked deleted"
        />
        <Stat
          label="Delta token age"
          value={status.hasDeltaLink && status.deltaLinkAt ? <RelativeTime iso={status.deltaLinkAt} now={now} /> : "None"}
          hint={
            !status.hasDeltaLink
              ? "The next sync is a full sync"
              : deltaAge !== null && deltaAge > DELTA_TOKEN_WARN_MS
                ? "Graph expires delta tokens after 7 days: the next sync may fall back to a full resync"
                : "Graph keeps delta tokens for about 7 days"
          }
          tone={deltaAge !== null && deltaAge > DELTA_TOKEN_WARN_MS ? "warn" : undefined}
        />
        <Stat
          label="Next scheduled sync"
          value={
            interval === 0 ? (
              "Scheduler off"
            ) : !status.syncEnabled ? (
              "Paused"
            ) : !status.hasAppRegistration ? (
              "—"
            ) : nextAt && Date.parse(nextAt) > nowDate.getTime() ? (
              <RelativeTime iso={nextAt} now={now} />
            ) : (
              "Due now"
            )
          }
          hint={
            interval === 0
              ? "JOINSCOPE_SYNC_INTERVAL_MINUTES is 0"
              : !status.syncEnabled
                ? "Sync is turned off for this tenant in Settings"
                : `Delta sync every ${interval} minutes`
          }
        />
      </section>

      {!status.hasAppRegistration ? (
        <p className="card px-5 py-3 text-[13px] text-slate-600 dark:text-slate-400">
          {tenant.name} has no app registration any more, so it cannot sync.{" "}
          <Link href={`/settings?tenant=${tenant.id}#app-registration`} className="link">
            Add one in Settings
          </Link>
          .
        </p>
      ) : null}

      {liveRun ? <LiveRun run={liveRun} now={now} /> : null}

      <section aria-labelledby="sync-runs">
        <h2 id="sync-runs" className="mb-3 text-sm font-semibold">
          Runs <span className="font-normal text-slate-500 dark:text-slate-400">(latest {runs.length})</span>
        </h2>
        {runs.length === 0 ? (
          <p className="card px-5 py-8 text-center text-slate-500 dark:text-slate-400">No sync has run yet. Sync now starts with a full sync.</p>
        ) : (
          <DataTable caption={`Sync runs of ${tenant.name}`}>
            <THead>
              <Th>Started</Th>
              <Th>Duration</Th>
              <Th>Type</Th>
              <Th>Status</Th>
              <Th className="text-right">Pages</Th>
              <Th className="text-right">Added</Th>
              <Th className="text-right">Changed</Th>
              <Th className="text-right">Deleted</Th>
              <Th className="text-right">Throttled</Th>
              <Th>Details</Th>
            </THead>
            <TBody>
              {runs.map((r) => (
                <RunRow key={r.id} run={r} now={now} />
              ))}
            </TBody>
          </DataTable>
        )}
      </section>
    </div>
  );
}

function Stat({ label, value, hint, tone }: { label: string; value: ReactNode; hint?: string; tone?: "warn" }) {
  return (
    <div className="card px-5 py-4">
      <p className="text-xs font-medium text-slate-500 dark:text-slate-400">{label}</p>
      <p className={`mt-1.5 text-lg font-semibold tracking-tight ${tone === "warn" ? "text-amber-700 dark:text-amber-400" : ""}`}>{value}</p>
      {hint ? <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">{hint}</p> : null}
    </div>
  );
}

function LiveRun({ run, now }: { run: SyncRunRow; now: string }) {
  return (
    <section
      aria-label="Sync in progress"
      className="flex items-center gap-3 rounded-lg border border-blue-200 bg-blue-50 px-5 py-3 text-blue-900 dark:border-blue-500/30 dark:bg-blue-500/10 dark:text-blue-100"
      data-testid="live-run"
    >
      <span className="relative flex size-2.5 shrink-0" aria-hidden="true">
        <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-blue-400 opacity-75 motion-reduce:animate-none" />
        <span className="relative inline-flex size-2.5 rounded-full bg-blue-600 dark:bg-blue-400" />
      </span>
      <p className="min-w-0">
        <span className="font-semibold">{run.mode === "full" ? "Full sync" : "Delta sync"} running</span>
        <span className="text-blue-800/80 dark:text-blue-200/80">
          {" "}
          · started <RelativeTime iso={run.startedAt} now={now} /> · {run.pages.toLocaleString("en")} page{run.pages === 1 ? "" : "s"} ·{" "}
          {run.devicesSeen.toLocaleString("en")} devices read
          {run.throttledWaits > 0 ? ` · throttled ${run.throttledWaits}×` : ""}
        </span>
      </p>
    </section>
  );
}

function Count({ value, sign }: { value: number; sign: string }) {
  if (value === 0) return <span className="text-slate-400 dark:text-slate-500">0</span>;
  return (
    <span className="font-medium">
      {sign}
      {value.toLocaleString("en")}
    </span>
  );
}

function RunRow({ run, now }: { run: SyncRunRow; now: string }) {
  const end = run.finishedAt ?? (run.status === "running" ? now : run.heartbeatAt);
  const duration = end ? Date.parse(end) - Date.parse(run.startedAt) : null;
  const details: { tone: "error" | "warn" | "info"; text: string }[] = [
    ...(run.error ? [{ tone: "error" as const, text: run.error }] : []),
    ...(run.fallbackReason ? [{ tone: "info" as const, text: `Fell back to a full resync: ${run.fallbackReason}` }] : []),
    ...run.warnings.map((w) => ({ tone: "warn" as const, text: w })),
  ];
  return (
    <tr data-testid="sync-run-row" data-status={run.stalled ? "stalled" : run.status} className="align-top">
      <Td className="whitespace-nowrap">
        <RelativeTime iso={run.startedAt} now={now} />
      </Td>
      <Td className="whitespace-nowrap tabular-nums">
        {duration === null ? <span className="text-slate-400 dark:text-slate-500">—</span> : formatDuration(duration)}
        {run.status === "running" && !run.stalled ? <span className="block text-xs text-slate-500 dark:text-slate-400">so far</span> : null}
      </Td>
      <Td className="whitespace-nowrap">
        <span className="font-medium capitalize">{run.mode}</span>
        <span className="block text-xs text-slate-500 dark:text-slate-400">{run.trigger}</span>
      </Td>
      <Td>
        <SyncRunStatusBadge status={run.status} stalled={run.stalled} />
      </Td>
      <Td className="text-right tabular-nums">{run.pages.toLocaleString("en")}</Td>
      <Td className="text-right tabular-nums" data-testid="devices-added">
        <Count value={run.devicesAdded} sign="+" />
      </Td>
      <Td className="text-right tabular-nums">
        <Count value={run.devicesChanged} sign="~" />
      </Td>
      <Td className="text-right tabular-nums">
        <Count value={run.devicesDeleted} sign="−" />
      </Td>
      <Td className="text-right whitespace-nowrap tabular-nums">
        {run.throttledWaits === 0 ? (
          <span className="text-slate-400 dark:text-slate-500">0</span>
        ) : (
          <>
            {run.throttledWaits.toLocaleString("en")}×
            <span className="block text-xs text-slate-500 dark:text-slate-400">{formatDuration(run.throttledMs)} waited</span>
          </>
        )}
      </Td>
      <Td className="max-w-md min-w-64 text-xs">
        {details.length === 0 ? (
          <span className="text-slate-400 dark:text-slate-500">—</span>
        ) : (
          <ul className="space-y-1">
            {details.map((d, i) => (
              <li
                key={i}
                className={
                  d.tone === "error"
                    ? "text-red-700 dark:text-red-400"
                    : d.tone === "warn"
                      ? "text-amber-800 dark:text-amber-300"
                      : "text-slate-600 dark:text-slate-400"
                }
              >
                {d.text}
              </li>
            ))}
          </ul>
        )}
      </Td>
    </tr>
  );
}
