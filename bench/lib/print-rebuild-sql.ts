/**
 * Prints a tenant's summary rebuild (summary-statements.ts rebuildStatements) as SQL text with its parameters inlined,
 * for timing its statements one by one (bench/RESULTS.md, eighteenth round; decision 029).
 *
 *   node --conditions=react-server --import tsx bench/lib/print-rebuild-sql.ts sqlite|postgresql TENANT_REF
 */
import { rebuildStatements } from "@/lib/device-summary/summary-statements";

const [dialect, tenantRef] = process.argv.slice(2) as ["sqlite" | "postgresql", string];
const literal = (v: unknown) => (typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
for (const s of rebuildStatements(dialect, tenantRef)) {
  let i = 0;
  console.log(s.sql.replace(/\?/g, () => literal(s.params[i++])) + ";");
}
