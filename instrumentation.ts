// Next.js calls register() once per server process (https://nextjs.org/docs/app/guides/instrumentation).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startSyncScheduler } = await import("@/lib/sync/sync-scheduler");
  startSyncScheduler();
  // Hand the Node fast path (compiled here, with the app's code) to the production server, scripts/serve.mjs.
  const { handleFastPath } = await import("@/lib/ingest/node-fast-path");
  (globalThis as Record<symbol, unknown>)[Symbol.for("joinscope.fastPath")] = handleFastPath;
}
