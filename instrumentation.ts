// Next.js calls register() once per server process (https://nextjs.org/docs/app/guides/instrumentation).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startSyncScheduler } = await import("@/lib/sync/sync-scheduler");
  startSyncScheduler();
}
