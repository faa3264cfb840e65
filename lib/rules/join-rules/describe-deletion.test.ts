import { describe, expect, it } from "vitest";
import type { DirectoryChange } from "@/lib/rules/device-subject";
import { describeDeletion } from "@/lib/rules/join-rules/describe-deletion";
import { DEVICE_NOW, makeDirectoryObject, makeEntraObject, makeRegisteredObject } from "@/lib/rules/testing/make-directory-object";

const NOW_MS = Date.parse(DEVICE_NOW);
const DELETED_AT = "2025-03-08T22:10:00.000Z";
const deleted = (at = DELETED_AT, reason = "deleted"): DirectoryChange => ({ kind: "deleted", at, detail: { reason } });
const change = (kind: string, at: string): DirectoryChange => ({ kind, at, detail: null });

describe("describeDeletion: when, and what came before", () => {
  it("takes the last deletion of the history for an object JoinScope no longer has, not a later change", () => {
    const history = [deleted("2025-03-01T10:00:00.000Z", "changed"), deleted(), change("created", "2025-03-09T09:00:00.000Z")];
    expect(describeDeletion(null, history, NOW_MS)).toMatchObject({ at: DELETED_AT, reason: "deleted", deletedBy: "unknown" });
  });

  it.each([
    ["disabled at the very time of the deletion", [change("disabled", DELETED_AT), deleted()], DELETED_AT],
    ["disabled after it (the change JoinScope noticed later)", [deleted(), change("disabled", "2025-03-09T09:00:00.000Z")], null],
    [
      "disabled twice before it: the later",
      [change("disabled", "2025-03-01T08:00:00.000Z"), change("disabled", "2025-03-07T08:00:00.000Z"), deleted()],
      "2025-03-07T08:00:00.000Z",
    ],
  ])("%s", (_name, history, disabledBefore) => {
    const object = makeDirectoryObject({ onPremisesSyncEnabled: false, deletedAt: DELETED_AT, deletedReason: "deleted" });
    expect(describeDeletion(object, history, NOW_MS).disabledBefore).toBe(disabledBefore);
  });
});

describe("describeDeletion: who", () => {
  it.each([
    [
      "a hybrid object no longer synced: an admin",
      makeDirectoryObject({ onPremisesSyncEnabled: false }),
      [],
      "admin-or-automation",
      "An admin or an automation deleted it.",
    ],
    [
      "a cloud object disabled first: the stale-device clean-up",
      makeEntraObject(),
      [change("disabled", "2025-03-01T08:00:00.000Z")],
      "admin-or-automation",
      "An admin or an automation deleted it; it was disabled first (2025-03-01 08:00 UTC), which is the stale-device clean-up pattern.",
    ],
    [
      "a synced object that is not hybrid joined: Connect or an admin",
      makeRegisteredObject({ onPremisesSyncEnabled: true }),
      [],
      "unknown",
      "The object was synced from Active Directory, so Entra Connect or an admin may have removed it.",
    ],
  ])("%s", (_name, object, history, deletedBy, who) => {
    const result = describeDeletion({ ...object, deletedAt: DELETED_AT, deletedReason: "deleted" }, history, NOW_MS);
    expect(result).toMatchObject({ deletedBy, who });
  });

  it("quotes a disabled time that does not parse as stored, when the deletion has no time either", () => {
    const result = describeDeletion({ ...makeEntraObject(), deletedAt: null }, [change("disabled", "last week")], NOW_MS);
    expect(result.who).toBe("An admin or an automation deleted it; it was disabled first (last week), which is the stale-device clean-up pattern.");
  });

  it("says a deletion noticed after a full resync happened some time before JoinScope noticed it", () => {
    const object = makeDirectoryObject({ deletedAt: DELETED_AT, deletedReason: "missing-after-full-sync" });
    expect(describeDeletion(object, [], NOW_MS).who).toBe(
      "Most likely Azure AD Connect (Microsoft Entra Connect): the computer left the sync scope, or its userCertificate was removed. JoinScope noticed it missing after a full resync (the delta token had expired), so the deletion happened some time before 2025-03-08 22:10 UTC.",
    );
  });

  it("says 'then' for a full resync's deletion without a time", () => {
    const history: DirectoryChange[] = [{ kind: "deleted", at: "", detail: { reason: "missing-after-full-sync" } }];
    expect(describeDeletion(null, history, NOW_MS).who).toMatch(/, so the deletion happened some time before then\.$/);
  });
});
