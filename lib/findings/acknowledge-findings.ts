import "server-only";
import { z } from "zod";
import type { Db, Prisma } from "@/lib/db/client";
import { findingsWhere } from "@/lib/queries/find-findings";
import { FindingListParamsSchema } from "@/lib/url-params/finding-list-params";

/** One bulk acknowledgement writes at most this many findings (each with its event and audit entry), in one transaction. */
export const MAX_BULK_ACKNOWLEDGE = 20_000;
/** The furthest an acknowledgement's expiry may be set: a year (past that, fix the cause or accept it again). */
export const MAX_ACK_DAYS = 366;
const WRITE_CHUNK = 1_000;
const DAY_MS = 86_400_000;

/** A change or incident reference (e.g. CHG-1234), kept with the comment and in the audit log. */
export const AckTicket = z
  .string()
  .trim()
  .max(100, "Use at most 100 characters for the ticket")
  .regex(/^[\p{L}\p{N} #:/._-]*$/u, "A ticket reference holds letters, digits, spaces and # : / . _ -")
  .optional()
  .transform((v) => (v ? v : undefined));

/** "Until Friday": the last day (YYYY-MM-DD, UTC) the acknowledgement holds; empty for no expiry. */
export const AckUntil = z
  .string()
  .trim()
  .regex(/^(\d{4}-\d{2}-\d{2})?$/, "Give the expiry as a date (YYYY-MM-DD)")
  .optional()
  .transform((v) => (v ? v : undefined));

export const AckComment = z.string().trim().min(1, "Add a comment: why are these findings accepted for now?").max(1000, "Use at most 1000 characters");

export const AcknowledgeFindingsInput = z
  .object({
    tenantRef: z.string().min(1),
    actor: z.string().min(1),
    comment: AckComment,
    ticket: AckTicket,
    until: AckUntil,
    /** Groups of the grouped view: every open, unacknowledged finding of these rules that the filters select. */
    rules: z
      .array(z.string().regex(/^[a-z0-9-]{1,64}$/, "Unknown rule"))
      .max(100)
      .default([]),
    /** Rows of the flat list, or the one finding of a device page's card. */
    findingIds: z.array(z.string().uuid("Unknown finding")).max(500).default([]),
    /** Devices (findings subjects "d:<deviceId>", "o:<objectId>", "h:<hostname>"), as the Devices list's selection sends them. */
    subjectKeys: z
      .array(z.string().regex(/^[odh]:[^\u0000-\u001f]{1,300}$/, "Unknown device"))
      .max(200, "Select at most 200 devices")
      .default([]),
    /** The page's filters (its query string), applied to the selected groups as the page counted them. */
    filters: z.record(z.string(), z.union([z.string(), z.array(z.string())]).optional()).default({}),
    /** Whether the audit entries say the acknowledgement was one of many (false for a device page's single card). */
    bulk: z.boolean().default(true),
  })
  .refine((v) => v.rules.length > 0 || v.findingIds.length > 0 || v.subjectKeys.length > 0, {
    message: "Select at least one rule, finding or device",
    path: ["rules"],
  });

export type AcknowledgeFindingsResult =
  | { ok: true; acknowledged: number; devices: number; acknowledgedAt: Date; until: Date | null }
  | { ok: false; error: { code: "invalid-input" | "nothing-to-acknowledge" | "too-many"; message: string } };

/**
 * The instant an acknowledgement "until <day>" lapses: the start of the next UTC day, so it holds through the whole of
 * the day named. Refused when that is not after `now` or more than MAX_ACK_DAYS ahead.
 */
export function ackExpiry(until: string, now: Date): { ok: true; at: Date } | { ok: false; message: string } {
  const day = new Date(`${until}T00:00:00.000Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== until) return { ok: false, message: `${until} is not a date` };
  const at = new Date(day.getTime() + DAY_MS);
  if (at.getTime() <= now.getTime()) return { ok: false, message: "The expiry date has passed: choose today or a later day" };
  if (at.getTime() - now.getTime() > MAX_ACK_DAYS * DAY_MS) return { ok: false, message: `Acknowledge for at most ${MAX_ACK_DAYS} days` };
  return { ok: true, at };
}

/**
 * The one acknowledgement of JoinScope: the open, unacknowledged findings of the selected groups (rules under the
 * page's filters), rows (finding ids) and devices (subject keys), with one comment, an optional ticket reference and an
 * optional expiry ("until Friday"). Each finding gets acknowledgedAt/By, the comment, ticket and expiry, its FindingEvent
 * "acknowledged" (one timeline entry per finding) and its own audit entry "finding.acknowledge", all in one transaction.
 * Findings already acknowledged or resolved are left as they are (the update re-checks that, so a findings pass
 * resolving one meanwhile is not overwritten). More than MAX_BULK_ACKNOWLEDGE findings is refused whole. An expired
 * acknowledgement is cleared by the next findings pass (expire-acknowledgements.ts); undo-acknowledgement.ts withdraws one.
 */
export async function acknowledgeFindings(db: Db, input: z.input<typeof AcknowledgeFindingsInput>, now = new Date()): Promise<AcknowledgeFindingsResult> {
  const parsed = AcknowledgeFindingsInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  const { tenantRef, actor, comment, ticket, rules, findingIds, filters, bulk } = parsed.data;
  const subjectKeys = [...new Set(parsed.data.subjectKeys)];
  let until: Date | null = null;
  if (parsed.data.until) {
    const expiry = ackExpiry(parsed.data.until, now);
    if (!expiry.ok) return { ok: false, error: { code: "invalid-input", message: expiry.message } };
    until = expiry.at;
  }
  const ackComment = ticket ? `${comment} (${ticket})` : comment;
  const eventDetail = until ? `${ackComment} · until ${parsed.data.until}` : ackComment;

  const selected: Prisma.FindingWhereInput[] = [];
  if (rules.length) selected.push({ AND: [await findingsWhere(db, tenantRef, FindingListParamsSchema.parse(filters)), { rule: { in: rules } }] });
  if (findingIds.length) selected.push({ id: { in: findingIds } });
  if (subjectKeys.length) selected.push({ subjectKey: { in: subjectKeys } });
  const where: Prisma.FindingWhereInput = { tenantRef, status: "open", acknowledgedAt: null, OR: selected };

  return db.$transaction(
    async (tx) => {
      const count = await tx.finding.count({ where });
      if (count === 0)
        return { ok: false, error: { code: "nothing-to-acknowledge", message: "The selection has no open finding left to acknowledge" } } as const;
      if (count > MAX_BULK_ACKNOWLEDGE) {
        return {
          ok: false,
          error: {
            code: "too-many",
            message: `The selection holds ${count.toLocaleString("en")} open findings; acknowledge at most ${MAX_BULK_ACKNOWLEDGE.toLocaleString("en")} at once (narrow it with the filters)`,
          },
        } as const;
      }
      const updated = await tx.finding.updateManyAndReturn({
        where,
        data: { acknowledgedAt: now, acknowledgedBy: actor, ackComment, ackTicket: ticket ?? null, ackUntil: until },
        select: { id: true, subjectKey: true, rule: true },
      });
      for (let i = 0; i < updated.length; i += WRITE_CHUNK) {
        const part = updated.slice(i, i + WRITE_CHUNK);
        await tx.findingEvent.createMany({
          data: part.map((f) => ({ tenantRef, findingRef: f.id, subjectKey: f.subjectKey, kind: "acknowledged", at: now, actor, detail: eventDetail })),
        });
        await tx.auditLog.createMany({
          data: part.map((f) => ({
            actor,
            action: "finding.acknowledge",
            tenantRef,
            target: f.id,
            detail: {
              rule: f.rule,
              subjectKey: f.subjectKey,
              comment,
              ...(ticket ? { ticket } : {}),
              ...(until ? { until: until.toISOString() } : {}),
              ...(bulk ? { bulk: true } : {}),
            },
          })),
        });
      }
      return { ok: true, acknowledged: updated.length, devices: new Set(updated.map((f) => f.subjectKey)).size, acknowledgedAt: now, until } as const;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}
