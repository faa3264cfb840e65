import type { ReactNode } from "react";

export function EmptyState({ title, children, icon, actions }: { title: string; children?: ReactNode; icon?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="flex flex-col items-center rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center dark:border-slate-700 dark:bg-slate-900/50">
      {icon ? <div className="mb-3 rounded-full bg-slate-100 p-3 text-slate-500 dark:bg-slate-800 dark:text-slate-400">{icon}</div> : null}
      <h2 className="text-base font-semibold text-slate-900 dark:text-slate-100">{title}</h2>
      {children ? <div className="mt-1.5 max-w-prose text-sm text-slate-600 dark:text-slate-400">{children}</div> : null}
      {actions ? <div className="mt-5 flex flex-wrap justify-center gap-3">{actions}</div> : null}
    </div>
  );
}
