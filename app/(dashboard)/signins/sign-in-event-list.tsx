import Link from "next/link";
import { deviceHref } from "@/lib/queries/find-device-detail";
import type { SignInListRow } from "@/lib/queries/find-sign-ins";
import type { Finding } from "@/lib/rules/types";
import { formatAbsoluteTime } from "@/lib/display/format-time";
import { RelativeTime } from "../../_components/relative-time";
import { causeStyle } from "./cause-style";

const LINKED_BY: Record<string, string> = {
  "presented-device": "by the device it presented",
  "user-and-time": "by its user and time",
};

/**
 * Blocked sign-ins, newest first, each with its cause and, on demand, its explanation (the rules' findings: title,
 * evidence, fix) and the device JoinScope tied it to. Shared by the Sign-ins view and the device page.
 */
export function SignInEventList({ rows, now, showDevice = true }: { rows: SignInListRow[]; now: string; showDevice?: boolean }) {
  return (
    <ol className="card divide-y divide-slate-100 overflow-hidden dark:divide-slate-800" aria-label="Blocked sign-ins">
      {rows.map((r) => {
        const style = causeStyle(r.cause);
        const device = r.machineHostname ?? r.deviceDisplayName ?? r.machineDeviceId ?? r.deviceId;
        return (
          <li key={r.id} className="px-4 py-3 text-[13px]" data-testid="sign-in-row" data-cause={r.cause} data-user={r.userPrincipalName ?? ""}>
            <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
              <span className="w-28 shrink-0 text-slate-500 dark:text-slate-400" title={formatAbsoluteTime(r.createdDateTime)}>
                <RelativeTime iso={r.createdDateTime} now={now} />
              </span>
              <span className="min-w-0 font-medium text-slate-900 dark:text-slate-100">{r.userPrincipalName ?? r.userDisplayName ?? "Unknown user"}</span>
              <span className="text-slate-600 dark:text-slate-400">
                {r.appDisplayName ?? "Unknown app"}
                {r.browser ? ` · ${r.browser}` : r.clientAppUsed ? ` · ${r.clientAppUsed}` : ""}
                {r.operatingSystem ? ` · ${r.operatingSystem}` : ""}
              </span>
              <span className="text-xs text-slate-500 dark:text-slate-400">error {r.errorCode}</span>
            </div>
            <div className="mt-1 flex flex-wrap items-center gap-x-4 gap-y-1">
              <span className="inline-flex items-center gap-1.5">
                <span className={`inline-block size-2 rounded-full ${style.dot}`} aria-hidden="true" />
                <span className="text-slate-800 dark:text-slate-200">{r.causeLabel}</span>
                <code className="text-xs text-slate-500 dark:text-slate-400">{r.cause}</code>
              </span>
              {showDevice ? (
                <span className="text-slate-600 dark:text-slate-400">
                  {r.deviceSubjectKey ? (
                    <>
                      Device{" "}
                      <Link href={deviceHref(r.deviceSubjectKey)} className="link" data-testid="sign-in-device-link">
                        {device ?? r.deviceSubjectKey}
                      </Link>
                      {LINKED_BY[r.linkedBy] ? <span className="text-xs"> (joined {LINKED_BY[r.linkedBy]})</span> : null}
                    </>
                  ) : r.deviceId ? (
                    <>
                      Presented <span className="font-mono text-xs">{r.deviceId}</span>, not a device JoinScope knows
                    </>
                  ) : (
                    <span className="text-slate-500 dark:text-slate-400">No device presented, none of the user&apos;s machines found</span>
                  )}
                </span>
              ) : null}
            </div>
            {r.findings.length > 0 ? (
              <details className="group mt-2">
                <summary className="cursor-pointer text-xs font-medium text-blue-700 select-none hover:underline dark:text-blue-300">
                  Why, and the fix: {r.findings[0]!.title}
                </summary>
                <div className="mt-2 space-y-3 border-l-2 border-slate-200 pl-3 dark:border-slate-700">
                  {r.findings.map((f) => (
                    <Explanation key={f.rule} finding={f} />
                  ))}
                </div>
              </details>
            ) : (
              <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
                No rule explains this sign-in: the directory or the user&apos;s reports hold nothing that accounts for it.
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * One finding on a sign-in, compact: fifty of them on a page (each sent twice, as HTML and as the React payload) made
 * the full finding card's markup a megabyte. The same content: title, explanation, evidence, fix.
 */
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
