import Link from "next/link";
import type { SignInSummary } from "@/lib/queries/find-sign-in-summary";
import { SIGN_IN_PERIOD_LABEL, signInListHref, type SignInListParams } from "@/lib/url-params/sign-in-list-params";
import { DataTable, TBody, Td, Th, THead } from "../../_components/data-table";
import { causeStyle } from "./cause-style";

const n = (v: number) => v.toLocaleString("en-US");
const plural = (v: number, word: string) => `${n(v)} ${word}${v === 1 ? "" : "s"}`;

/** "This week: 380 blocked sign-ins. 300 (52 users, 41 identified devices): Chrome without …; 80 (12 users, 12 identified devices): No PRT: …" */
export function headline(summary: SignInSummary, params: SignInListParams): string {
  const head = `${SIGN_IN_PERIOD_LABEL[params.period]}: ${plural(summary.total, "blocked sign-in")}${summary.truncated ? " or more" : ""}`;
  if (summary.causes.length === 0) return `${head}.`;
  // Devices are those JoinScope identified (joined with a machine, or presented); users are every user blocked.
  const who = (c: SignInSummary["causes"][number]) =>
    c.devices === null || c.users === null ? "" : ` (${plural(c.users, "user")}, ${plural(c.devices, "identified device")})`;
  const parts = summary.causes.slice(0, 3).map((c) => `${n(c.signIns)}${who(c)}: ${c.causeLabel}`);
  return `${head}. ${parts.join("; ")}${summary.causes.length > 3 ? "; and more" : ""}.`;
}

/** The period's blocked sign-ins grouped by cause, each with how many devices and users it hit and a link that filters by it. */
export function SignInCauses({ summary, params }: { summary: SignInSummary; params: SignInListParams }) {
  return (
    <DataTable caption={`Blocked sign-ins by cause, ${SIGN_IN_PERIOD_LABEL[params.period].toLowerCase()}`}>
      <THead>
        <Th>Cause</Th>
        <Th className="text-right">Sign-ins</Th>
        <Th className="text-right" title="Joined with a machine, or presented by the sign-in">
          Identified devices
        </Th>
        <Th className="text-right">Users</Th>
      </THead>
      <TBody>
        {summary.causes.map((c) => (
          <tr key={`${c.cause}|${c.causeLabel}`} data-testid="sign-in-cause" data-cause={c.cause} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
            <Td>
              <span className="inline-flex items-center gap-2">
                <span className={`inline-block size-2.5 shrink-0 rounded-sm ${causeStyle(c.cause).bar}`} aria-hidden="true" />
                <Link
                  href={signInListHref(params, { cause: c.cause as SignInListParams["cause"] })}
                  className="font-medium text-slate-900 hover:text-blue-700 hover:underline dark:text-slate-100 dark:hover:text-blue-300"
                >
                  {c.causeLabel}
                </Link>
              </span>
              <code className="ml-4.5 block text-xs text-slate-500 dark:text-slate-400">{c.cause}</code>
            </Td>
            <Td className="text-right font-medium tabular-nums" data-testid="cause-sign-ins">
              {n(c.signIns)}
            </Td>
            <Td className="text-right tabular-nums">{c.devices === null ? "—" : n(c.devices)}</Td>
            <Td className="text-right tabular-nums">{c.users === null ? "—" : n(c.users)}</Td>
          </tr>
        ))}
      </TBody>
    </DataTable>
  );
}
