"use client";

import { useState } from "react";
import type { Finding } from "@/lib/rules/types";
import { InlineError } from "../../_components/inline-error";

type State = { kind: "idle" } | { kind: "loading" } | { kind: "loaded"; findings: Finding[] } | { kind: "failed"; message: string };

/**
 * "Why, and the fix" of one blocked sign-in: the summary names the cause; the explanation (each finding's title,
 * evidence and fix) is fetched from GET /api/v1/signins/{id}/findings when it is first opened. A page of events with
 * every explanation inline was ~400 KB (each sent twice, as HTML and as the React payload); the explanations are read
 * one at a time.
 */
export function SignInExplanation({ id, tenantRef, title }: { id: string; tenantRef: string; title: string }) {
  const [state, setState] = useState<State>({ kind: "idle" });

  async function load() {
    setState({ kind: "loading" });
    try {
      const res = await fetch(`/api/v1/signins/${encodeURIComponent(id)}/findings?tenant=${encodeURIComponent(tenantRef)}`, { cache: "no-store" });
      const body = (await res.json().catch(() => null)) as { findings?: Finding[]; error?: { message?: string } } | null;
      if (!res.ok || !body?.findings) {
        setState({ kind: "failed", message: body?.error?.message ?? `The explanation could not be loaded (HTTP ${res.status}).` });
        return;
      }
      setState({ kind: "loaded", findings: body.findings });
    } catch {
      setState({ kind: "failed", message: "The explanation could not be loaded: the server did not answer." });
    }
  }

  return (
    <details
      className="group mt-2"
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open && (state.kind === "idle" || state.kind === "failed")) void load();
      }}
    >
      <summary className="cursor-pointer text-xs font-medium text-blue-700 select-none hover:underline dark:text-blue-300">Why, and the fix: {title}</summary>
      <div className="mt-2 space-y-3 border-l-2 border-slate-200 pl-3 dark:border-slate-700" aria-live="polite" aria-busy={state.kind === "loading"}>
        {state.kind === "loading" || state.kind === "idle" ? <p className="text-xs text-slate-500 dark:text-slate-400">Loading the explanation…</p> : null}
        {state.kind === "failed" ? <InlineError message={state.message} className="" /> : null}
        {state.kind === "loaded" ? state.findings.map((f) => <Explanation key={f.rule} finding={f} />) : null}
      </div>
    </details>
  );
}

/** One finding on a sign-in, compact: title, explanation, evidence, fix. */
function Explanation({ finding }: { finding: Finding }) {
  return (
    <div data-testid="sign-in-finding" data-rule={finding.rule}>
      <p className="font-semibold text-slate-900 dark:text-slate-100">
        {finding.title} <code className="text-xs font-normal text-slate-500 dark:text-slate-400">{finding.rule}</code>
      </p>
      {finding.explanation ? <p className="mt-0.5 text-slate-700 dark:text-slate-300">{finding.explanation}</p> : null}
      {finding.evidence.length ? (
        <dl className="mt-1.5 grid grid-cols-[minmax(8rem,max-content)_1fr] gap-x-3 text-xs">
          {finding.evidence.map((e, i) => (
            <div key={i} className="contents">
              <dt className="text-slate-500 dark:text-slate-400">
                {e.field} <span className="text-slate-500 dark:text-slate-400">({e.source})</span>
              </dt>
              <dd className="font-mono [overflow-wrap:anywhere]">
                {e.value ?? "(empty)"}
                {e.expected !== undefined && e.expected !== null ? <span className="text-slate-500 dark:text-slate-400"> · expected {e.expected}</span> : null}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {finding.remediation.length ? (
        <>
          <p className="mt-1.5 text-xs font-semibold text-slate-500 uppercase dark:text-slate-400">Fix</p>
          <ol className="list-decimal pl-5 text-slate-700 dark:text-slate-300">
            {finding.remediation.map((step, i) => (
              <li key={i}>{step}</li>
            ))}
          </ol>
        </>
      ) : null}
    </div>
  );
}
