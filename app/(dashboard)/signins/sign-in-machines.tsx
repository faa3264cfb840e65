import Link from "next/link";
import { deviceHref } from "@/lib/queries/find-device-detail";
import type { SignInMachine } from "@/lib/queries/find-sign-in-machines";
import { signInListHref, type SignInListParams } from "@/lib/url-params/sign-in-list-params";
import { DataTable, TBody, Td, Th, THead } from "../../_components/data-table";
import { RelativeTime } from "../../_components/relative-time";

const LINKED: Record<string, string> = {
  "presented-device": "presented by the sign-ins",
  "user-and-time": "the user's session in its report",
  none: "presented, no report",
};

/** The machines one user's blocked sign-ins involved, with their causes: the view filtered by user. */
export function SignInMachines({ user, machines, params, now }: { user: string; machines: SignInMachine[]; params: SignInListParams; now: string }) {
  return (
    <section aria-labelledby="machines-heading" className="space-y-2">
      <h2 id="machines-heading" className="text-sm font-semibold">
        Machines involved in {user}&apos;s blocked sign-ins <span className="font-normal text-slate-500 dark:text-slate-400">({machines.length})</span>
      </h2>
      {machines.length === 0 ? (
        <p className="card px-5 py-4 text-slate-500 dark:text-slate-400">No blocked sign-in of this user in the period.</p>
      ) : (
        <DataTable caption={`Machines involved in ${user}'s blocked sign-ins`}>
          <THead>
            <Th>Machine</Th>
            <Th>Found by</Th>
            <Th className="text-right">Sign-ins</Th>
            <Th>Causes</Th>
            <Th>Latest</Th>
          </THead>
          <TBody>
            {machines.map((m) => {
              const name = m.hostname ?? m.deviceId ?? "No device presented, no machine found";
              return (
                <tr key={`${m.deviceId}|${m.hostname}`} data-testid="sign-in-machine">
                  <Td>
                    {m.subjectKey ? (
                      <Link href={deviceHref(m.subjectKey)} className="link font-medium">
                        {name}
                      </Link>
                    ) : (
                      <span className="font-medium">{name}</span>
                    )}
                    {m.deviceId ? <span className="block font-mono text-xs text-slate-500 dark:text-slate-400">{m.deviceId}</span> : null}
                  </Td>
                  <Td className="text-slate-600 dark:text-slate-400">{LINKED[m.linkedBy] ?? m.linkedBy}</Td>
                  <Td className="text-right tabular-nums">
                    {m.deviceId ? (
                      <Link href={signInListHref(params, { device: m.deviceId })} className="link">
                        {m.signIns.toLocaleString("en-US")}
                      </Link>
                    ) : (
                      m.signIns.toLocaleString("en-US")
                    )}
                  </Td>
                  <Td className="text-slate-700 dark:text-slate-300">{m.causes.map((c) => `${c.causeLabel} (${c.signIns})`).join("; ")}</Td>
                  <Td className="text-slate-600 dark:text-slate-400">
                    <RelativeTime iso={m.lastAt} now={now} />
                  </Td>
                </tr>
              );
            })}
          </TBody>
        </DataTable>
      )}
    </section>
  );
}
