import type { ConnectionCheck } from "@/lib/sync/test-tenant-connection";
import { AlertIcon, CheckCircleIcon, CrossCircleIcon, MinusCircleIcon } from "../../../_components/icons";

const CHECK_STYLE: Record<ConnectionCheck["status"], { Icon: typeof CheckCircleIcon; tone: string; label: string }> = {
  ok: { Icon: CheckCircleIcon, tone: "text-emerald-600 dark:text-emerald-400", label: "OK" },
  failed: { Icon: CrossCircleIcon, tone: "text-red-600 dark:text-red-400", label: "Failed" },
  warning: { Icon: AlertIcon, tone: "text-amber-600 dark:text-amber-400", label: "Warning" },
  skipped: { Icon: MinusCircleIcon, tone: "text-slate-400 dark:text-slate-500", label: "Skipped" },
};

/** "Test connection"'s answer: each check with its verdict and message. */
export function ConnectionChecks({ ok, checks }: { ok: boolean; checks: ConnectionCheck[] }) {
  return (
    <section aria-label="Connection test" className="mt-4" data-testid="connection-checks" data-ok={ok}>
      <p className={`text-sm font-semibold ${ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
        {ok ? "The connection works." : "The connection does not work yet."}
      </p>
      <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
        {checks.map((c, i) => {
          const { Icon, tone, label } = CHECK_STYLE[c.status];
          return (
            <li key={`${c.name}-${i}`} className="flex items-start gap-3 px-3 py-2.5" data-testid="connection-check" data-status={c.status}>
              <Icon className={`mt-px shrink-0 ${tone}`} aria-hidden="true" />
              <div className="min-w-0">
                <p className="text-[13px] font-medium text-slate-900 dark:text-slate-100">
                  {c.name} <span className="sr-only">: {label}</span>
                </p>
                <p className="text-[13px] text-slate-600 dark:text-slate-400">{c.message}</p>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
