import "server-only";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";
import { displayPrefix, generateAgentToken, hashAgentToken } from "./token-format";

export const CreateAgentTokenInput = z.object({
  tenantRef: z.string().min(1),
  name: z.string().trim().min(1, "Give the token a name, e.g. the Intune script it is for").max(100),
  actor: z.string().min(1),
  /** Agents before version 2 may upload with the token itself; otherwise it only enrols devices (decision 011). */
  allowsDirectUpload: z.boolean().default(false),
});

export type CreateAgentTokenResult =
  | { ok: true; token: string; id: string; prefix: string; name: string; allowsDirectUpload: boolean }
  | { ok: false; error: { code: "tenant-not-found" | "invalid-input"; message: string } };

/** Creates a token (an enrolment secret) and returns it once; only its hash is stored. */
export async function createAgentToken(db: Db, input: z.input<typeof CreateAgentTokenInput>): Promise<CreateAgentTokenResult> {
  const parsed = CreateAgentTokenInput.safeParse(input);
  if (!parsed.success) {
    return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  }
  const { tenantRef, name, actor, allowsDirectUpload } = parsed.data;
  const token = generateAgentToken();
  const prefix = displayPrefix(token);
  return db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantRef }, select: { id: true } });
    if (!tenant) return { ok: false as const, error: { code: "tenant-not-found" as const, message: "No such tenant" } };
    const row = await tx.agentToken.create({
      data: { tenantRef, name, tokenHash: hashAgentToken(token), prefix, createdBy: actor, allowsDirectUpload },
      select: { id: true },
    });
    await writeAuditLog(tx, { actor, action: "agent-token.create", tenantRef, target: row.id, detail: { name, prefix, allowsDirectUpload } });
    return { ok: true as const, token, id: row.id, prefix, name, allowsDirectUpload };
  });
}
