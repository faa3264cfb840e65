#!/usr/bin/env node
// `npm test`'s "imports" step: the import graph of the application's TypeScript (lib/, app/, simulator/, bin/,
// scripts/, bench/, tests/, e2e/) may hold no loop, type-only imports included (a loop of types is still two modules
// that cannot be read or moved apart), and lib/ stands on neither app/ nor the simulator (lib's unit tests may use
// the simulator as their Graph). The README's "Architecture" says which folder stands on which. madge resolves the
// tsconfig's "@/..." paths.
import { join, relative } from "node:path";
import madge from "madge";

const root = join(import.meta.dirname, "..");
const folders = ["lib", "app", "simulator", "bin", "scripts", "bench", "tests", "e2e", "instrumentation.ts", "proxy.ts"];
const result = await madge(
  folders.map((f) => join(root, f)),
  {
    baseDir: root,
    fileExtensions: ["ts", "tsx", "mjs", "js"],
    tsConfig: join(root, "tsconfig.json"),
    excludeRegExp: [/node_modules/, /lib\/db\/generated\//, /\.next\//, /test-results\//],
    detectiveOptions: { ts: { skipTypeImports: false, mixedImports: true }, tsx: { skipTypeImports: false, mixedImports: true }, es6: { mixedImports: true } },
  },
);

const problems = [];
for (const cycle of result.circular()) problems.push(`import loop: ${[...cycle, cycle[0]].join(" -> ")}`);
const graph = result.obj();
for (const [from, tos] of Object.entries(graph)) {
  if (!from.startsWith("lib/") || /\.test\.tsx?$/.test(from)) continue;
  for (const to of tos) {
    if (to.startsWith("app/")) problems.push(`lib imports app: ${from} -> ${to}`);
    if (to.startsWith("simulator/")) problems.push(`lib imports the simulator: ${from} -> ${to}`);
  }
}
const files = Object.keys(graph).length;
if (problems.length > 0) {
  console.error(problems.join("\n"));
  console.error(`\n${problems.length} import problem(s) in ${files} modules.`);
  process.exit(1);
}
// A graph that resolved nothing would pass vacuously: the path alias must have resolved.
const edges = Object.values(graph).reduce((n, tos) => n + tos.length, 0);
const aliased = graph["lib/findings/load-subject-context.ts"]?.includes("lib/db/direct.ts");
if (files < 300 || !aliased) {
  console.error(`imports: the graph looks incomplete (${files} modules, ${edges} imports; "@/" paths resolved: ${aliased}).`);
  process.exit(1);
}
console.log(`imports: ${files} modules, ${edges} imports, no loop; lib/ imports neither app/ nor simulator/ (${relative(process.cwd(), root) || "."}).`);
