import Link from "next/link";
import { deviceHref } from "@/lib/queries/find-device-detail";
import type { SignInListRow } from "@/lib/queries/find-sign-ins";
import { formatAbsoluteTime } from "@/lib/display/format-time";
import { RelativeTime } from "../../_components/relative-time";
import { causeStyle } from "./cause-style";
import { SignInExplanation } from "./sign-in-explanation";

const LINKED_BY: Record<string, string> = {
  "presented-device": "by the device it presented",
  "user-and-time": "by its user and time",
};

/**
 * Blocked sign-ins, newest first, each with its cause and, on demand, its explanation (the rules' findings: title,
 * evidence, fix, loaded when opened: sign-in-explanation.tsx) and the device JoinScope tied it to. Shared by the Sign-ins view and the device page.
 */
export function SignInEventList({ rows, tenantRef, now, showDevice = true }: { rows: SignInListRow[]; tenantRef: string; now: string; showDevice?: boolean }) {
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
            {r.causeTitle !== null ? (
              <SignInExplanation id={r.id} tenantRef={tenantRef} title={r.causeTitle} />
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
