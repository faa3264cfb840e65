/**
 * guardedAction, the one guard of the dashboard's server actions (decision 022). requireRole reads the request's
 * cookie and redirects (Next.js glue, require-admin.ts, run by the browser suite); here it is replaced by a stand-in
 * that either returns a user or throws as Next's redirect() does, so what the guard itself decides is tested: the role
 * asked for, that nothing of the action runs before the check passes, and what the action receives and returns.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AdminIdentity } from "./admin-sessions";
import { guardedAction } from "./action-guard";
import { requireRole } from "./require-admin";

vi.mock("./require-admin", () => ({ requireRole: vi.fn() }));

const operator: AdminIdentity = { id: "u1", email: "op@joinscope.test", name: "Op", role: "Operator", source: "local", tenantScope: null };
const checked = vi.mocked(requireRole);

beforeEach(() => checked.mockReset());

describe("guardedAction", () => {
  it("checks the role it was given, then runs the action with the signed-in user and the caller's arguments", async () => {
    checked.mockResolvedValue(operator);
    const action = vi.fn(async (admin: AdminIdentity, deviceId: string, count: number) => `${admin.email}:${deviceId}:${count}`);
    const guarded = guardedAction("Operator", action);
    expect(checked).not.toHaveBeenCalled(); // nothing is checked until the action is called
    await expect(guarded("dev-1", 3)).resolves.toBe("op@joinscope.test:dev-1:3");
    expect(checked).toHaveBeenCalledTimes(1);
    expect(checked).toHaveBeenCalledWith("Operator");
    expect(action).toHaveBeenCalledWith(operator, "dev-1", 3);
    expect(checked.mock.invocationCallOrder[0]!).toBeLessThan(action.mock.invocationCallOrder[0]!);
  });

  it("runs nothing of the action when the check refuses (a redirect to /login or /no-access)", async () => {
    checked.mockRejectedValueOnce(new Error("NEXT_REDIRECT;/no-access"));
    const action = vi.fn(async () => "done");
    await expect(guardedAction("Admin", action)()).rejects.toThrow("NEXT_REDIRECT;/no-access");
    expect(checked).toHaveBeenCalledWith("Admin");
    expect(action).not.toHaveBeenCalled();
  });

  it("checks again at every call: a session ended between two calls is refused at the second", async () => {
    checked.mockResolvedValueOnce(operator).mockRejectedValueOnce(new Error("NEXT_REDIRECT;/login"));
    const action = vi.fn(async () => "done");
    const guarded = guardedAction("Reader", action);
    await expect(guarded()).resolves.toBe("done");
    await expect(guarded()).rejects.toThrow("NEXT_REDIRECT;/login");
    expect(checked).toHaveBeenCalledTimes(2);
    expect(action).toHaveBeenCalledTimes(1);
  });
});
