import type { Finding } from "@/lib/rules/types";

/** Plain text for a terminal or a ticket: one block per finding, evidence and numbered fix steps. */
export function formatFindingsText(findings: Finding[]): string {
  if (findings.length === 0) return 'No findings: nothing in this report explains an "Unregistered" device state.\n';
  const blocks = findings.map((f) => {
    const lines = [`[${f.severity.toUpperCase()}] ${f.title}  (${f.rule})`, `  ${f.explanation}`];
    if (f.evidence.length) {
      lines.push("  Evidence:");
      for (const e of f.evidence) {
        const expected = e.expected !== undefined ? `  (expected ${e.expected ?? "—"})` : "";
        lines.push(`    ${e.source} · ${e.field}: ${e.value ?? "—"}${expected}`);
      }
    }
    if (f.remediation.length) {
      lines.push("  Fix:");
      f.remediation.forEach((step, i) => lines.push(`    ${i + 1}. ${step}`));
    }
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}
