import type { ConnectorState } from "@/lib/proxy/connector-state";
import { OUTDATED_BELOW_VERSION, WEBSOCKET_MIN_VERSION, compareVersions } from "@/lib/proxy/connector-state";
import type { Finding } from "@/lib/rules/types";
import { FindingList } from "../../_components/finding-card";

function StatusBadge({ status }: { status: string }) {
  const active = status.toLowerCase() === "active";
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
        active
          ? "bg-emerald-50 text-emerald-800 ring-emerald-600/25 dark:bg-emerald-500/15 dark:text-emerald-300 dark:ring-emerald-400/30"
          : "bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-500/15 dark:text-red-300 dark:ring-red-400/30"
      }`}
    >
      <span className={`h-1.5 w-1.5 rounded-full ${active ? "bg-emerald-500" : "bg-red-500"}`} aria-hidden="true" />
      {status}
    </span>
  );
}

function VersionCell({ version }: { version: string | null }) {
  if (!version) return <span className="text-slate-400">—</span>;
  const old = compareVersions(version, WEBSOCKET_MIN_VERSION) <= 0 || compareVersions(version, OUTDATED_BELOW_VERSION) < 0;
  return <span className={`font-mono text-xs ${old ? "font-semibold text-amber-700 dark:text-amber-300" : ""}`}>{version}</span>;
}

export function ConnectorStatePanel({ tenantName, state, findings }: { tenantName: string | null; state: ConnectorState | null; findings: Finding[] }) {
  if (!state) {
    return (
      <p className="card p-4 text-sm text-slate-600 dark:text-slate-400">Register a tenant under Settings to see its Application Proxy connectors here.</p>
    );
  }
  if (!state.ok) {
    return (
      <p role="note" data-testid="connector-note" className="card border-l-4 border-l-amber-400 p-4 text-sm text-slate-700 dark:text-slate-300">
        {state.note}
      </p>
    );
  }
  if (state.groups.length === 0) {
    return <p className="card p-4 text-sm text-slate-600 dark:text-slate-400">{tenantName} has no Application Proxy connector groups.</p>;
  }
  return (
    <div className="space-y-4">
      {findings.length > 0 ? <FindingList findings={findings} /> : null}
      <div className="grid gap-4 lg:grid-cols-2">
        {state.groups.map((g) => (
          <div key={g.id} className="card overflow-hidden" data-testid="connector-group">
            <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2.5 dark:border-slate-800">
              <h3 className="text-sm font-semibold text-slate-900 dark:text-slate-100">
                {g.name}
                {g.isDefault ? <span className="ml-2 text-xs font-normal text-slate-500">default</span> : null}
              </h3>
              <span className="text-xs text-slate-500 dark:text-slate-400">
                {g.connectors.filter((c) => c.status.toLowerCase() === "active").length} of {g.connectors.length} active{g.region ? ` · ${g.region}` : ""}
              </span>
            </div>
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Connectors of {g.name}</caption>
              <thead className="text-xs text-slate-500 dark:text-slate-400">
                <tr>
                  <th className="px-4 py-1.5 font-medium">Connector</th>
                  <th className="px-4 py-1.5 font-medium">Status</th>
                  <th className="px-4 py-1.5 font-medium">Version</th>
                </tr>
              </thead>
              <tbody>
                {g.connectors.map((c) => (
                  <tr key={c.id} className="border-t border-slate-100 dark:border-slate-800/70">
                    <td className="px-4 py-1.5">
                      <div className="font-medium text-slate-800 dark:text-slate-200">{c.machineName}</div>
                      {c.externalIp ? <div className="text-xs text-slate-500">{c.externalIp}</div> : null}
                    </td>
                    <td className="px-4 py-1.5">
                      <StatusBadge status={c.status} />
                    </td>
                    <td className="px-4 py-1.5">
                      <VersionCell version={c.version} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {g.applications.length > 0 ? (
              <div className="border-t border-slate-200 px-4 py-2.5 dark:border-slate-800">
                <div className="mb-1 text-xs font-medium text-slate-500 dark:text-slate-400">Published apps</div>
                <ul className="space-y-1.5 text-sm">
                  {g.applications.map((a) => (
                    <li key={a.id}>
                      <div className="font-medium text-slate-800 dark:text-slate-200">{a.displayName}</div>
                      <div className="font-mono text-xs break-all text-slate-600 dark:text-slate-400">
                        {a.externalUrl ?? "—"} → {a.internalUrl ?? "—"}
                        {a.backendTimeout ? <span className="ml-2 font-sans text-slate-500">timeout: {a.backendTimeout}</span> : null}
                      </div>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
        ))}
      </div>
      {state.truncated ? <p className="text-xs text-slate-500">Only the first connector groups and apps are shown.</p> : null}
    </div>
  );
}
