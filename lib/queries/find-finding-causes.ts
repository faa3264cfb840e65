import "server-only";
import type { Db } from "@/lib/db/client";
import { SEVERITY_ORDER, type Severity } from "@/lib/rules/types";
import type { FindingListParams } from "@/lib/url-params/finding-list-params";
import { isSeverity } from "@/lib/display/severity";
import { buildFindingsWhere } from "./find-findings";

/** One rule of the Findings page's grouped view: how many devices it flags and on how many of them it is the cause. */
export interface FindingCause {
  rule: string;
  /** Devices with a finding of this rule that match the filters (a device has at most one finding per rule). */
  devices: number;
  /** Of them, the devices where it is the cause to fix: no other finding of the device explains it (explainedBy null). */
  causes: number;
  /** The devices where it follows from another finding, and the rules it follows from, most devices first. */
  explained: number;
  explainedBy: { rule: string; devices: number }[];
  /** The most severe of its findings, and how many of them have each severity. */
  severity: Severity;
  bySeverity: Partial<Record<Severity, number>>;
  /** How many of its findings are acknowledged. */
  acknowledged: number;
}

export interface FindingCauses {
  causes: FindingCause[];
  /** Findings counted, over every rule. */
  total: number;
}

/**
 * The grouped view of the Findings page (issue 17, item 3): the findings the page's filters select, counted per rule,
 * in the order an admin works through them. One GROUP BY (rule, severity, explainedBy) with a count of all and of
 * the acknowledged; without a search it reads the (tenantRef, status, rule, severity, explainedBy, acknowledgedAt)
 * index alone, so it costs the open findings' index entries, a few hundred groups out, whatever the devices
 * (bench:ui "Findings grouped"). The order: rules that are a device's own cause first, most such devices first, then
 * the rules that only follow from another one (fixing their cause clears them), most devices first.
 */
export async function findFindingCauses(db: Db, options: { tenantRef: string; params: FindingListParams }): Promise<FindingCauses> {
  const { tenantRef, params } = options;
  const where = buildFindingsWhere(tenantRef, params);
  const groups = await db.finding.groupBy({
    by: ["rule", "severity", "explainedBy"],
    where,
    _count: { _all: true, acknowledgedAt: true },
  });

  const byRule = new Map<string, FindingCause & { explainedByMap: Map<string, number> }>();
  let total = 0;
  for (const g of groups) {
    const n = g._count._all;
    total += n;
    const severity: Severity = isSeverity(g.severity) ? g.severity : "info";
    let cause = byRule.get(g.rule);
    if (!cause) {
      cause = { rule: g.rule, devices: 0, causes: 0, explained: 0, explainedBy: [], severity, bySeverity: {}, acknowledged: 0, explainedByMap: new Map() };
      byRule.set(g.rule, cause);
    }
    cause.devices += n;
    cause.acknowledged += g._count.acknowledgedAt;
    cause.bySeverity[severity] = (cause.bySeverity[severity] ?? 0) + n;
    if (SEVERITY_ORDER[severity] < SEVERITY_ORDER[cause.severity]) cause.severity = severity;
    if (g.explainedBy === null) cause.causes += n;
    else {
      cause.explained += n;
      cause.explainedByMap.set(g.explainedBy, (cause.explainedByMap.get(g.explainedBy) ?? 0) + n);
    }
  }

  const causes: FindingCause[] = [...byRule.values()].map(({ explainedByMap, ...c }) => ({
    ...c,
    explainedBy: [...explainedByMap].map(([rule, devices]) => ({ rule, devices })).sort((a, b) => b.devices - a.devices || a.rule.localeCompare(b.rule)),
  }));
  causes.sort(
    (a, b) =>
      Number(b.causes > 0) - Number(a.causes > 0) ||
      b.causes - a.causes ||
      b.devices - a.devices ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.rule.localeCompare(b.rule),
  );
  return { causes, total };
}
