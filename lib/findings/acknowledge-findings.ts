import "server-only";
import { z } from "zod";
import type { Db, Prisma } from "@/lib/db/client";
import { buildFindingsWhere } from "@/lib/queries/find-findings";
import { FindingListParamsSchema } from "@/lib/url-params/finding-list-params";

/** One bulk acknowledgement writes at most this many findings (each with its event and audit entry), in one transaction. */
export const MAX_BULK_ACKNOWLEDGE = 20_000;
const WRITE_CHUNK = 1_000;

export const AcknowledgeFindingsInput = z
  .object({
    tenantRef: z.string().min(1),
    actor: z.string().min(1),
    comment: z.string().trim().min(1, "Add a comment: why are these findings accepted for now?").max(1000, "Use at most 1000 characters"),
    /** A change or incident reference (e.g. CHG-1234), kept with the comment and in the audit log. */
    ticket: z
      .string()
      .trim()
      .max(100, "Use at most 100 characters for the ticket")
      .regex(/^[\p{L}\p{N} #:/._-]*$/u, "A ticket reference holds letters, digits, spaces and # : / . _ -")
      .optional()
      .transform((v) => (v ? v : undefined)),
    /** Groups of the grouped view: every open, unacknowledged finding of these rules that the filters select. */
    rules: z
      .array(z.string().regex(/^[a-z0-9-]{1,64}$/, "Unknown rule"))
      .max(100)
      .default([]),
    /** Rows of the flat list. */
    findingIds: z.array(z.string().uuid("Unknown finding")).max(500).default([]),
    /** The page's filters (its query string), applied to the selected groups as the page counted them. */
    filters: z.record(z.string(), z.union([z.string(), z.array(z.string())]).optional()).default({}),
  })
  .refine((v) => v.rules.length > 0 || v.findingIds.length > 0, { message: "Select at least one rule or finding", path: ["rules"] });

export type AcknowledgeFindingsResult =
  | { ok: true; acknowledged: number; acknowledgedAt: Date }
  | { ok: false; error: { code: "invalid-input" | "nothing-to-acknowledge" | "too-many"; message: string } };

/**
 * Acknowledges the open findings of the selected groups and rows with one comment (issue 17, item 3), as
 * acknowledgeFinding does one: each finding gets acknowledgedAt/By and the comment, its FindingEvent "acknowledged"
 * and its own audit entry "finding.acknowledge", all in one transaction. Findings already acknowledged or resolved
 * are left as they are (the update re-checks that, so a findings pass resolving one meanwhile is not overwritten).
 * More than MAX_BULK_ACKNOWLEDGE findings is refused whole: narrow the selection with the filters.
 */
export async function acknowledgeFindings(db: Db, input: z.input<typeof AcknowledgeFindingsInput>, now = new Date()): Promise<AcknowledgeFindingsResult> {
  const parsed = AcknowledgeFindingsInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  const { tenantRef, actor, comment, ticket, rules, findingIds, filters } = parsed.data;
  const ackComment = ticket ? `${comment} (${ticket})` : comment;

  const selected: Prisma.FindingWhereInput[] = [];
  if (rules.length) selected.push({ AND: [buildFindingsWhere(tenantRef, FindingListParamsSchema.parse(filters)), { rule: { in: rules } }] });
  if (findingIds.length) selected.push({ id: { in: findingIds } });
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
        data: { acknowledgedAt: now, acknowledgedBy: actor, ackComment },
        select: { id: true, subjectKey: true, rule: true },
      });
      for (let i = 0; i < updated.length; i += WRITE_CHUNK) {
        const part = updated.slice(i, i + WRITE_CHUNK);
        await tx.findingEvent.createMany({
          data: part.map((f) => ({ tenantRef, findingRef: f.id, subjectKey: f.subjectKey, kind: "acknowledged", at: now, actor, detail: ackComment })),
        });
        // One entry per finding, as the single acknowledgement writes (lib/findings/acknowledge-finding.ts).
        await tx.auditLog.createMany({
          data: part.map((f) => ({
            actor,
            action: "finding.acknowledge",
            tenantRef,
            target: f.id,
            detail: { rule: f.rule, subjectKey: f.subjectKey, comment, ...(ticket ? { ticket } : {}), bulk: true },
          })),
        });
      }
      return { ok: true, acknowledged: updated.length, acknowledgedAt: now } as const;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}
