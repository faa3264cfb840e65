// The entry of the findings pass's evaluation thread (lib/findings/subject-evaluator.ts): plain JavaScript that Node
// runs as it is, in the Next.js server, the CLI and the tests alike, and that loads evaluate-worker.ts and the rules'
// TypeScript through tsx, as bin/joinscope.mjs runs the CLI (a dependency; its compile cache makes later starts quick).
import { tsImport } from "tsx/esm/api";

await tsImport("./evaluate-worker.ts", { parentURL: import.meta.url, tsconfig: new URL("../../tsconfig.json", import.meta.url).pathname });
