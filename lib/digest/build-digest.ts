import { ruleTitle } from "@/lib/display/rule-names";
import { findingHref } from "@/lib/url-params/finding-anchor";
import type { Severity } from "@/lib/rules/types";

export type DigestChangeKind = "opened" | "resolved" | "reopened";
export const DIGEST_KINDS: readonly DigestChangeKind[] = ["opened", "reopened", "resolved"];

/** One finding event as summarizeChanges lists it (lib/queries/summarize-changes.ts), the fields a digest uses. */
export interface DigestChangeInput {
  subjectKey: string;
  rule: string;
  severity: Severity;
  deviceId: string | null;
  objectId: string | null;
  hostname: string | null;
}

export interface DigestInput {
  tenantName: string;
  since: Date;
  until: Date;
  /** Exact counts over the period. */
  counts: Record<DigestChangeKind, number>;
  /** The newest events of each kind over the period (the builder keeps the first `perKind`). */
  changes: Record<DigestChangeKind, DigestChangeInput[]>;
  /** Devices Conditional Access treats as unregistered at the period's end, now and at the next Connect cycle. */
  broken: { now: number; next: number };
  /** Open findings at the period's start and end, from the daily snapshots (null when no snapshot covers it). */
  openFindings: { start: number | null; end: number | null };
  /** The dashboard's origin (https://joinscope.contoso.com) for links; none: the digest has no links. */
  origin: string | null;
  /** How many of each kind the digest lists (default 10): chat cards stay short, the rest is one link away. */
  perKind?: number;
}

export interface DigestItem {
  device: string;
  rule: string;
  ruleTitle: string;
  severity: Severity;
  url: string | null;
}

/** Everything a digest says, channel-neutral: the payload builders (digest-payloads.ts) only lay it out. */
export interface DigestContent {
  title: string;
  periodText: string;
  counts: Record<DigestChangeKind, number>;
  items: Record<DigestChangeKind, DigestItem[]>;
  /** Events of each kind over the period not listed. */
  more: Record<DigestChangeKind, number>;
  broken: { now: number; next: number };
  openFindings: { start: number | null; end: number | null };
  reviewUrl: string | null;
  /** One line for notifications and the email subject: "3 opened, 1 resolved, 0 reopened". */
  summary: string;
}

const dayText = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";

/** A device as an admin names it: its hostname, else its deviceId, else its directory objectId. */
function deviceName(c: DigestChangeInput): string {
  return c.hostname ?? c.deviceId ?? c.objectId ?? c.subjectKey;
}

/**
 * What a digest of a tenant's period says (issue 23, item 7): the findings opened, reopened and resolved in it (exact
 * counts, the newest `perKind` of each with a link to the device's finding), the devices Conditional Access treats as
 * unregistered at its end, and open findings at its start and end. Pure: the caller reads the database.
 */
export function buildDigest(input: DigestInput): DigestContent {
  const perKind = input.perKind ?? 10;
  const origin = input.origin?.replace(/\/+$/, "") ?? null;
  const items = {} as Record<DigestChangeKind, DigestItem[]>;
  const more = {} as Record<DigestChangeKind, number>;
  for (const kind of DIGEST_KINDS) {
    items[kind] = input.changes[kind].slice(0, perKind).map((c) => ({
      device: deviceName(c),
      rule: c.rule,
      ruleTitle: ruleTitle(c.rule),
      severity: c.severity,
      url: origin ? origin + findingHref(c.subjectKey, c.rule) : null,
    }));
    more[kind] = Math.max(0, input.counts[kind] - items[kind].length);
  }
  const summary = `${input.counts.opened} opened, ${input.counts.resolved} resolved, ${input.counts.reopened} reopened`;
  return {
    title: `JoinScope digest for ${input.tenantName}`,
    periodText: `${dayText(input.since)} to ${dayText(input.until)}`,
    counts: { ...input.counts },
    items,
    more,
    broken: { ...input.broken },
    openFindings: { ...input.openFindings },
    reviewUrl: origin ? `${origin}/review?period=${input.until.getTime() - input.since.getTime() <= 24 * 3600_000 ? "day" : "week"}` : null,
    summary,
  };
}
