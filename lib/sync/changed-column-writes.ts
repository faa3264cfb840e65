import "server-only";
import type { Statement } from "@/lib/db/direct";
import { SYNC_WRITTEN_COLUMNS } from "@/lib/db/directory-device-columns";
import { copiedColumnStatements, SUMMARY_COPIED_COLUMNS, type CopiedColumnChange } from "@/lib/device-summary/summary-statements";

/**
 * SQLite: the writes of a delta page's objects that were alive before it and are after it, column by column (decision
 * 043). SQLite rewrites the entries of every index holding a column an UPDATE sets, changed or not, and every commit
 * writes each index page it touched again: the upsert of a renamed object rewrote DirectoryDevice's registration id,
 * hardware id and deletion indexes, and its summary's upsert every one of the summary's indexes, for a change that
 * moves it in the name's indexes alone. Here each object's row gets an UPDATE of the columns that changed (rows with
 * the same changed columns share one statement), and when none of those decides more of its summary than a copy of
 * the column (its name, last sign-in, OS, OS version, trust type, sync from AD), the summary gets the same: an UPDATE of
 * those columns by its key instead of being computed again (lib/device-summary). Any other change (its registration
 * id, enabled, pending, its on-premises sync time) leaves the summary to the page's directoryStatements. PostgreSQL
 * keeps the upserts: there an update of any indexed column writes an entry in every index anyway.
 */
export class ChangedColumnWrites {
  private readonly devices = new Map<string, { columns: string[]; rows: unknown[][] }>();
  private readonly summaries: CopiedColumnChange[] = [];

  constructor(private readonly tenantRef: string) {}

  /**
   * An object's stored row (`before`) and its row after the page (`after`), both as deviceValues encodes them (in
   * SYNC_WRITTEN_COLUMNS' order), and its row id. Returns false when its summary must be computed again.
   */
  add(objectId: string, rowId: string, before: readonly unknown[], after: readonly unknown[]): boolean {
    const changed: number[] = [];
    for (let i = 0; i < WRITTEN.length; i++) if (COMPARED[i] && before[i] !== after[i]) changed.push(i);
    // Bookkeeping: written with every change, as the upsert wrote them.
    const columns = [...changed, LAST_SEEN_AT, UPDATED_AT];
    const key = columns.join(",");
    let group = this.devices.get(key);
    if (!group) {
      group = { columns: columns.map((i) => WRITTEN[i]!), rows: [] };
      this.devices.set(key, group);
    }
    group.rows.push([...columns.map((i) => after[i]), rowId]);
    if (changed.some((i) => !COPIED_OR_UNUSED.has(WRITTEN[i]!))) return false;
    const renamed = changed.includes(DISPLAY_NAME);
    const copied = SUMMARY_COPIED_COLUMNS.filter((c) => changed.includes(COPIED_AT[c]));
    if (!renamed && copied.length === 0) return true;
    // A new name key moves the row in every name-ordered index, whose copied columns are then written with it.
    const values = renamed ? SUMMARY_COPIED_COLUMNS : copied;
    this.summaries.push({
      objectId,
      ...(renamed ? { displayName: after[DISPLAY_NAME] as string | null } : {}),
      changed: copied,
      copied: Object.fromEntries(values.map((c) => [c, after[COPIED_AT[c]]])),
    });
    return true;
  }

  statements(): Statement[] {
    const out: Statement[] = [];
    for (const { columns, rows } of this.devices.values()) {
      out.push({ sql: `UPDATE "DirectoryDevice" SET ${columns.map((c) => `"${c}" = ?`).join(", ")} WHERE "id" = ?`, params: [], eachRow: rows });
    }
    out.push(...copiedColumnStatements(this.tenantRef, this.summaries));
    return out;
  }
}

const WRITTEN: readonly string[] = SYNC_WRITTEN_COLUMNS;
/** Columns never compared: the row's key and id, when it was first seen, its deletion (alive before and after), and the two below. */
const COMPARED = WRITTEN.map((c) => !["id", "tenantRef", "objectId", "firstSeenAt", "deletedAt", "deletedReason", "lastSeenAt", "updatedAt"].includes(c));
const LAST_SEEN_AT = WRITTEN.indexOf("lastSeenAt");
const UPDATED_AT = WRITTEN.indexOf("updatedAt");
const DISPLAY_NAME = WRITTEN.indexOf("displayName");
const COPIED_AT = Object.fromEntries(SUMMARY_COPIED_COLUMNS.map((c) => [c, WRITTEN.indexOf(c)])) as Record<(typeof SUMMARY_COPIED_COLUMNS)[number], number>;
/**
 * The directory columns a summary copies (its name from the display name) or does not read at all (objectRows in
 * lib/device-summary/summary-statements.ts). A change of any other column (the registration id: subject, report head,
 * latest report; enabled and pending: state and outlook; the on-premises sync time: pending since; a column added
 * later) has the summary computed again.
 */
const COPIED_OR_UNUSED: ReadonlySet<string> = new Set([
  "displayName",
  ...SUMMARY_COPIED_COLUMNS,
  "profileType",
  "registrationDateTime",
  "createdDateTime",
  "isCompliant",
  "isManaged",
  "mdmAppId",
  "physicalIds",
  "alternativeSecurityIds",
  "thumbprint",
  "hardwareId",
  "otherProperties",
  "rawHash",
]);
