import { z } from "zod";
import type { Finding } from "@/lib/rules/types";

const FindingsSchema = z
  .array(
    z.object({
      rule: z.string(),
      severity: z.enum(["critical", "high", "medium", "low", "info"]).catch("info"),
      title: z.string(),
      explanation: z.string().catch(""),
      evidence: z
        .array(
          z.object({
            source: z.string().catch(""),
            field: z.string().catch(""),
            value: z.string().nullable().catch(null),
            expected: z.string().nullable().optional(),
          }),
        )
        .catch([]),
      remediation: z.array(z.string()).catch([]),
    }),
  )
  .catch([]);

/** A SignInEvent's stored findings (JSON text), root cause first; [] when the text is not what the pull writes. */
export function parseSignInFindings(text: string | null): Finding[] {
  try {
    return FindingsSchema.parse(JSON.parse(text ?? "[]")) as Finding[];
  } catch {
    return [];
  }
}
