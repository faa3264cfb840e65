/**
 * The version of what a DeviceSummary row holds and how it is computed. A tenant whose Tenant.summaryVersion is
 * older has its summaries rebuilt once (rebuild-device-summaries.ts) before its Devices list or Overview is read, and
 * at the scheduler's next tick. Bump it when a change makes stored summaries wrong.
 *
 * 1: the summaries and their tallies are added (migration 20261208090000_device_summaries).
 * 2: outlook and cause, the one definition of a broken device (migration 20261209110000_device_outlook).
 */
export const SUMMARY_VERSION = 2;
