"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { InlineError } from "../../../../_components/inline-error";
import { deleteProxyDiagnosisAction } from "../../actions";

/** "Delete", then "Delete “title”? This cannot be undone." with Cancel and Confirm delete; back to the Proxy page after. */
export function DeleteDiagnosisButton({ id, title }: { id: string; title: string }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  if (!confirming) {
    return (
      <button type="button" className="btn-secondary" onClick={() => setConfirming(true)}>
        Delete
      </button>
    );
  }

  function remove() {
    setError(null);
    startTransition(async () => {
      try {
        const result = await deleteProxyDiagnosisAction(id);
        if (!result.ok) {
          setError(result.error);
          return;
        }
        router.push("/proxy");
        router.refresh();
      } catch {
        setError("The diagnosis could not be deleted; check the connection and try again.");
      }
    });
  }

  return (
    <div role="group" aria-label="Confirm delete" className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap items-center justify-end gap-2">
        <span className="text-xs text-slate-600 dark:text-slate-400">Delete “{title}”? This cannot be undone.</span>
        <button type="button" className="btn-ghost px-2 py-1 text-xs" onClick={() => setConfirming(false)} disabled={pending}>
          Cancel
        </button>
        <button type="button" className="btn-danger px-2 py-1 text-xs" onClick={remove} disabled={pending}>
          {pending ? "Deleting…" : "Confirm delete"}
        </button>
      </div>
      <InlineError message={error} className="mt-1" />
    </div>
  );
}
