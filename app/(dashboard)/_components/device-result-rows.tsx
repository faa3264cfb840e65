import Link from "next/link";
import type { ReactNode } from "react";
import { deviceHref } from "@/lib/queries/find-device-detail";
import { ruleTitle } from "@/lib/display/rule-names";
import { findingHref } from "@/lib/url-params/finding-anchor";
import { Td, Th } from "../../_components/data-table";
import { WorstRankCell } from "../../_components/device-state-cell";
import { ShortId } from "../findings/finding-status-badge";
import { DirectoryStateBadge } from "../devices/directory-state-badge";

/** A device as the search results and a user's page list it: one row of the device summary. */
export interface DeviceResult {
  subjectKey: string;
  name: string;
  /** The directory state (DeviceSummary.state); null when it is not known. */
  state: string | null;
  deviceId: string | null;
  worstRank: number;
  primaryRule: string | null;
}

/** The header cells of DeviceResultRow, in its order; `withObjectId` adds the objectId column. */
export function DeviceResultHead({ withObjectId = false }: { withObjectId?: boolean }) {
  return (
    <>
      <Th>Device</Th>
      <Th>State</Th>
      <Th priority="low">DeviceId</Th>
      {withObjectId ? <Th priority="low">objectId</Th> : null}
      <Th>Worst open finding</Th>
      <Th>Primary cause</Th>
    </>
  );
}

/**
 * One device: its name opens its page (the whole row is the link), its primary cause opens that finding's card.
 * `objectId` (undefined: no column) and `extra` (more cells after these) let each page add what it knows.
 */
export function DeviceResultRow({ device: d, objectId, testId, extra }: { device: DeviceResult; objectId?: string | null; testId: string; extra?: ReactNode }) {
  return (
    <tr className="relative hover:bg-slate-50 dark:hover:bg-slate-800/40" data-testid={testId}>
      <Td className="font-medium whitespace-nowrap">
        <Link href={deviceHref(d.subjectKey)} className="after:absolute after:inset-0 after:content-[''] hover:text-blue-700 dark:hover:text-blue-300">
          {d.name}
        </Link>
      </Td>
      <Td>
        {d.state ? (
          <DirectoryStateBadge state={d.state as Parameters<typeof DirectoryStateBadge>[0]["state"]} />
        ) : (
          <span className="text-slate-400 dark:text-slate-500">—</span>
        )}
      </Td>
      <Td priority="low">
        <ShortId id={d.deviceId} />
      </Td>
      {objectId !== undefined ? (
        <Td priority="low">
          <ShortId id={objectId} />
        </Td>
      ) : null}
      <Td>
        <WorstRankCell rank={d.worstRank} />
      </Td>
      <Td>
        {d.primaryRule ? (
          <Link href={findingHref(d.subjectKey, d.primaryRule)} className="link relative z-10 text-[13px]" title={d.primaryRule} data-rule={d.primaryRule}>
            {ruleTitle(d.primaryRule)}
          </Link>
        ) : (
          <span className="text-slate-400 dark:text-slate-500">—</span>
        )}
      </Td>
      {extra}
    </tr>
  );
}
