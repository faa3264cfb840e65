/**
 * How long one hostile upload holds the event loop on a tenant with "Redact user names" on (issue 14, item 1).
 *
 *   node --conditions=react-server --import tsx bench/hostile-upload.ts [--case upns|accounts|blank-lines|all]
 *
 * Builds the bodies the issue describes and times ingestReport's CPU-bound steps on each, as one upload runs them
 * (JSON, schema, line limits, redaction, parsing), without a database: the write is measured by bench:ingest. A
 * step that refuses the upload (400) stops there, as the server does.
 */
import { parseArgs } from "node:util";
import { hostileBodies } from "./lib/hostile-bodies";
import { parseUpload } from "@/lib/ingest/parse-upload";
import { validateUpload } from "@/lib/ingest/validate-upload";

const { values } = parseArgs({ options: { case: { type: "string", default: "all" } } });
const bodies = hostileBodies().filter((b) => values.case === "all" || b.name === values.case);
for (const b of bodies) {
  const raw = JSON.stringify(b.body);
  const bytes = Buffer.byteLength(raw);
  // Three runs: the first includes compiling the regular expressions and the schema; a server has done that already.
  const times: number[] = [];
  let result: ReturnType<typeof parseUpload> = { ok: false, error: { code: "invalid-body", message: "not run" } };
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const validated = validateUpload(JSON.parse(raw));
    result = validated.ok ? parseUpload(validated.upload, "bench-salt") : validated;
    times.push(performance.now() - t0);
  }
  const ms = Math.min(...times);
  console.log(
    `${b.name.padEnd(12)} ${(bytes / 1024).toFixed(0).padStart(5)} KB  ${ms.toFixed(1).padStart(7)} ms (first run ${times[0]!.toFixed(1)} ms)  ${result.ok ? "accepted" : `refused: ${result.error.code} (${result.error.message.slice(0, 100)})`}`,
  );
}
