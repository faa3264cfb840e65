"use client";

import { useActionState, useId, useState } from "react";
import { InlineError } from "../../../_components/inline-error";
import { keepValues } from "../../../_lib/keep-values";
import { saveSyncScopeAction, type SaveState } from "../actions";
import { EMPTY_SAVE, Hint, Saved } from "./form-parts";

interface ForestDraft {
  key: number;
  name: string;
  include: string;
  exclude: string;
}

export function SyncScopeEditor({ tenantRef, forests }: { tenantRef: string; forests: { name: string; include: string[]; exclude: string[] }[] }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(saveSyncScopeAction, EMPTY_SAVE);
  const [drafts, setDrafts] = useState<ForestDraft[]>(() =>
    forests.length > 0
      ? forests.map((f, i) => ({ key: i, name: f.name, include: f.include.join("\n"), exclude: f.exclude.join("\n") }))
      : [{ key: 0, name: "", include: "", exclude: "" }],
  );
  const ids = useId();
  const update = (key: number, change: Partial<ForestDraft>) => setDrafts((all) => all.map((d) => (d.key === key ? { ...d, ...change } : d)));
  const invalid = (i: number, field: string) => (state.field === `forest-${i}-${field}` ? true : undefined);

  return (
    <form onSubmit={keepValues(action)} aria-label="Entra Connect sync scope" className="space-y-4">
      <input type="hidden" name="tenantRef" value={tenantRef} />
      {drafts.map((d, i) => (
        <fieldset key={d.key} className="rounded-md border border-slate-200 p-4 dark:border-slate-800" data-testid="scope-forest">
          <legend className="px-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Forest {i + 1}</legend>
          <div className="flex items-end gap-3">
            <div className="min-w-0 flex-1">
              <label htmlFor={`${ids}-${d.key}-name`} className="label">
                Forest name
              </label>
              <input
                id={`${ids}-${d.key}-name`}
                name="forestName"
                value={d.name}
                onChange={(e) => update(d.key, { name: e.target.value })}
                placeholder="corp.contoso.com"
                className="input font-mono"
                spellCheck={false}
                aria-invalid={invalid(i, "name")}
              />
            </div>
            {drafts.length > 1 ? (
              <button
                type="button"
                className="btn-ghost text-red-700 hover:bg-red-50 hover:text-red-800 dark:text-red-400 dark:hover:bg-red-500/10"
                onClick={() => setDrafts((all) => all.filter((x) => x.key !== d.key))}
              >
                Remove forest
              </button>
            ) : null}
          </div>
          <div className="mt-3 grid gap-4 lg:grid-cols-2">
            <div>
              <label htmlFor={`${ids}-${d.key}-include`} className="label">
                Synced OUs (include)
              </label>
              <textarea
                id={`${ids}-${d.key}-include`}
                name="forestInclude"
                rows={4}
                value={d.include}
                onChange={(e) => update(d.key, { include: e.target.value })}
                placeholder={"OU=Workstations,DC=corp,DC=contoso,DC=com\nOU=Laptops,DC=corp,DC=contoso,DC=com"}
                className="input font-mono text-xs leading-5"
                spellCheck={false}
                wrap="off"
                aria-invalid={invalid(i, "include")}
              />
            </div>
            <div>
              <label htmlFor={`${ids}-${d.key}-exclude`} className="label">
                Not synced, inside an include (exclude)
              </label>
              <textarea
                id={`${ids}-${d.key}-exclude`}
                name="forestExclude"
                rows={4}
                value={d.exclude}
                onChange={(e) => update(d.key, { exclude: e.target.value })}
                placeholder="OU=Staging,OU=Workstations,DC=corp,DC=contoso,DC=com"
                className="input font-mono text-xs leading-5"
                spellCheck={false}
                wrap="off"
                aria-invalid={invalid(i, "exclude")}
              />
            </div>
          </div>
          <Hint>
            One distinguished name per line, as in Synchronization Service Manager → Connectors → Properties → Configure Directory Partitions → Containers.
          </Hint>
        </fieldset>
      ))}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Saving…" : "Save sync scope"}
        </button>
        <button
          type="button"
          className="btn-secondary"
          onClick={() => setDrafts((all) => [...all, { key: Math.max(-1, ...all.map((x) => x.key)) + 1, name: "", include: "", exclude: "" }])}
        >
          Add forest
        </button>
        <Saved message={state.message} />
      </div>
      <InlineError message={state.error} />
    </form>
  );
}
