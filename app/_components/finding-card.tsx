import type { ReactNode } from "react";
import type { Finding } from "@/lib/rules/types";
import { classifyRemediationStep, isCommand } from "@/lib/rules/remediation-steps";
import { CopyButton } from "./copy-button";
import { SeverityBadge } from "./severity-badge";

/** Rules write commands and field names in `backticks`; show them as code, and give each command a copy button. */
function withInlineCode(text: string, copyCommands = false): ReactNode[] {
  return text.split(/(`[^`]+`)/g).map((part, i) => {
    if (!(part.length > 2 && part.startsWith("`") && part.endsWith("`"))) return part;
    const code = part.slice(1, -1);
    const element = (
      <code key={i} className="rounded bg-slate-100 px-1 py-px font-mono text-[0.92em] text-slate-800 dark:bg-slate-800 dark:text-slate-200">
        {code}
      </code>
    );
    if (!copyCommands || !isCommand(code)) return element;
    return (
      <span key={i} className="inline-flex flex-wrap items-center gap-1 align-baseline" data-testid="command">
        {element}
        <CopyButton text={code} label="Copy" accessibleLabel={`Copy command: ${code}`} />
      </span>
    );
  });
}

/** The words on a step that destroys, and on the step to run first because it changes nothing. */
function StepLabel({ kind }: { kind: "destructive" | "safe-first" }) {
  return kind === "destructive" ? (
    <span
      className="mr-1.5 inline-flex items-center rounded bg-red-50 px-1.5 py-px text-[11px] font-semibold tracking-wide text-red-800 uppercase ring-1 ring-red-600/25 ring-inset dark:bg-red-500/15 dark:text-red-200 dark:ring-red-400/30"
      data-testid="step-destructive"
    >
      Destructive · cannot be undone
    </span>
  ) : (
    <span
      className="mr-1.5 inline-flex items-center rounded bg-emerald-50 px-1.5 py-px text-[11px] font-semibold tracking-wide text-emerald-800 uppercase ring-1 ring-emerald-600/25 ring-inset dark:bg-emerald-500/15 dark:text-emerald-200 dark:ring-emerald-400/30"
      data-testid="step-safe-first"
    >
      Safe first step · changes nothing
    </span>
  );
}

const ACCENT: Record<Finding["severity"], string> = {
  critical: "border-l-red-600 dark:border-l-red-400",
  high: "border-l-orange-500 dark:border-l-orange-400",
  medium: "border-l-amber-500 dark:border-l-amber-400",
  low: "border-l-sky-500 dark:border-l-sky-400",
  info: "border-l-slate-400 dark:border-l-slate-500",
};

/** One rule's verdict: what is wrong, the evidence an admin can check, and the fix in order of safety. */
export function FindingCard({
  finding,
  headingLevel = 3,
  sameStepsAs,
  id,
  mark,
}: {
  finding: Finding;
  headingLevel?: 2 | 3;
  sameStepsAs?: string;
  /** The card's anchor (`#finding-<rule>` on a device page): finding rows elsewhere link to it. */
  id?: string;
  /** Shown beside the severity: "Primary cause", or the cause a symptom follows from. */
  mark?: ReactNode;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const hasExpected = finding.evidence.some((e) => e.expected !== undefined && e.expected !== null);
  const kinds = finding.remediation.map(classifyRemediationStep);
  // The first step that changes nothing, when nothing before it does: where an admin can start without risk.
  const firstChange = kinds.findIndex((k) => k === "change" || k === "destructive");
  const firstSafe = kinds.indexOf("read-only");
  const safeFirst = firstSafe !== -1 && (firstChange === -1 || firstSafe < firstChange) ? firstSafe : -1;
  return (
    <article
      id={id}
      className={`card scroll-mt-4 border-l-4 ${ACCENT[finding.severity]} overflow-hidden`}
      aria-label={`${finding.severity} finding: ${finding.title}`}
    >
      <div className="px-5 pt-4 pb-3">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <SeverityBadge severity={finding.severity} />
          <code className="text-xs text-slate-500 dark:text-slate-400">{finding.rule}</code>
          {mark}
        </div>
        <Heading className="mt-2 text-[15px] font-semibold leading-snug text-slate-900 dark:text-slate-50">{finding.title}</Heading>
        {finding.explanation ? (
          <p className="mt-1.5 max-w-4xl leading-relaxed text-slate-700 dark:text-slate-300">{withInlineCode(finding.explanation)}</p>
        ) : null}
      </div>

      {finding.evidence.length > 0 ? (
        <div className="border-t border-slate-100 px-5 py-3 dark:border-slate-800">
          <h4 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Evidence</h4>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-[13px]">
              <thead className="text-xs text-slate-500 dark:text-slate-400">
                <tr>
                  <th scope="col" className="py-1 pr-4 font-medium">
                    Field
                  </th>
                  <th scope="col" className="py-1 pr-4 font-medium">
                    Value
                  </th>
                  {hasExpected ? (
                    <th scope="col" className="py-1 pr-4 font-medium">
                      Expected
                    </th>
                  ) : null}
                  <th scope="col" className="py-1 font-medium">
                    Source
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {finding.evidence.map((e, i) => (
                  <tr key={`${e.source}-${e.field}-${i}`} className="align-top">
                    <td className="py-1.5 pr-4 font-medium whitespace-nowrap text-slate-800 dark:text-slate-200">{e.field}</td>
                    <td className="py-1.5 pr-4 font-mono text-xs [overflow-wrap:anywhere] text-slate-900 dark:text-slate-100">
                      {e.value ?? <span className="text-slate-400">(empty)</span>}
                    </td>
                    {hasExpected ? (
                      <td className="py-1.5 pr-4 font-mono text-xs [overflow-wrap:anywhere] text-slate-700 dark:text-slate-300">
                        {e.expected ?? <span className="text-slate-400">—</span>}
                      </td>
                    ) : null}
                    <td className="py-1.5 text-xs whitespace-nowrap text-slate-500 dark:text-slate-400">{e.source}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}

      {finding.remediation.length > 0 && sameStepsAs ? (
        <p className="border-t border-slate-100 bg-slate-50/70 px-5 py-3 text-slate-600 dark:border-slate-800 dark:bg-slate-950/40 dark:text-slate-400">
          <span className="font-semibold text-slate-700 dark:text-slate-300">How to fix:</span> the same steps as “{sameStepsAs}” above.
        </p>
      ) : finding.remediation.length > 0 ? (
        <div className="border-t border-slate-100 bg-slate-50/70 px-5 py-3 dark:border-slate-800 dark:bg-slate-950/40">
          <h4 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">How to fix</h4>
          <ol className="space-y-1.5">
            {finding.remediation.map((step, i) => (
              <li key={i} className="flex gap-3 leading-relaxed text-slate-800 dark:text-slate-200" data-step-kind={kinds[i]}>
                <span
                  className="mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full bg-white text-[11px] font-semibold text-slate-600 ring-1 ring-slate-300 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-700"
                  aria-hidden="true"
                >
                  {i + 1}
                </span>
                <span>
                  <span className="sr-only">Step {i + 1}: </span>
                  {kinds[i] === "destructive" ? <StepLabel kind="destructive" /> : i === safeFirst ? <StepLabel kind="safe-first" /> : null}
                  {withInlineCode(step, true)}
                </span>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </article>
  );
}

/** Findings in the given order; when two share the exact same fix, the second points to the first instead of repeating it. */
export function FindingList({ findings, primaryRule = null }: { findings: Finding[]; primaryRule?: string | null }) {
  const firstWithSteps = new Map<string, string>();
  return (
    <div className="space-y-4">
      {findings.map((f, i) => {
        const key = JSON.stringify(f.remediation);
        const earlier = f.remediation.length > 0 ? firstWithSteps.get(key) : undefined;
        if (f.remediation.length > 0 && !earlier) firstWithSteps.set(key, f.title);
        const mark =
          f.rule === primaryRule ? (
            <span
              className="inline-flex items-center rounded-full bg-blue-50 px-2 py-0.5 text-xs font-medium text-blue-800 ring-1 ring-blue-600/25 ring-inset dark:bg-blue-500/15 dark:text-blue-300 dark:ring-blue-400/30"
              data-testid="primary-cause"
            >
              Primary cause
            </span>
          ) : undefined;
        return <FindingCard key={`${f.rule}-${i}`} finding={f} sameStepsAs={earlier} mark={mark} />;
      })}
    </div>
  );
}
