import type { JoinType } from "@/lib/reports/types";

export const JOIN_TYPES: readonly JoinType[] = ["hybrid", "entra", "registered", "domain", "none"];

/** The names the Entra admin center uses (Join type column), plus the two states it never shows. */
export const JOIN_TYPE_LABEL: Record<JoinType, string> = {
  hybrid: "Microsoft Entra hybrid joined",
  entra: "Microsoft Entra joined",
  registered: "Microsoft Entra registered",
  domain: "Domain joined only",
  none: "Not joined",
};

export const JOIN_TYPE_SHORT: Record<JoinType, string> = {
  hybrid: "Hybrid joined",
  entra: "Entra joined",
  registered: "Registered",
  domain: "Domain only",
  none: "Not joined",
};

export function joinTypeShort(value: string): string {
  return (JOIN_TYPE_SHORT as Record<string, string>)[value] ?? value;
}
