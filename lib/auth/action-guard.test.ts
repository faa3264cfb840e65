/**
 * guardedAction, the one guard of the dashboard's server actions (decision 022). requireRole reads the request's
 * cookie and redirects (Next.js glue, require-admin.ts, run by the browser suite); here it is replaced by a stand-in
 * that either returns a user or throws as Next's redirect() does, so what the guard itself decides is tested: the role
 * asked for, that nothing of the action runs before the check passes, and what the action receives and returns.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AdminIdentity } from "./admin-sessions";
import { guardedAction, guardedFormAction, NOT_A_FORM } from "./action-guard";
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

describe("guardedFormAction", () => {
  type State = { error: string | null; done: boolean };
  const refused = (message: string): State => ({ error: message, done: false });

  it("runs the action with the previous state and the form once the role check passes", async () => {
    checked.mockResolvedValue(operator);
    const form = new FormData();
    form.set("id", "t-1");
    const action = vi.fn(async (admin: AdminIdentity, previous: State, formData: FormData): Promise<State> => ({
      error: `${admin.email}:${String(formData.get("id"))}:${String(previous.done)}`,
      done: true,
    }));
    await expect(guardedFormAction("Operator", refused, action)({ error: null, done: false }, form)).resolves.toEqual({
      error: "op@joinscope.test:t-1:false",
      done: true,
    });
    expect(checked).toHaveBeenCalledWith("Operator");
  });

  it("answers a call without a form with the refusal state and runs nothing of the action", async () => {
    checked.mockResolvedValue(operator);
    const action = vi.fn(async (): Promise<State> => ({ error: null, done: true }));
    const guarded = guardedFormAction("Operator", refused, action) as (...args: unknown[]) => Promise<unknown>;
    await expect(guarded()).resolves.toEqual({ error: NOT_A_FORM, done: false });
    await expect(guarded({ error: null, done: false }, { id: "t-1" })).resolves.toEqual({ error: NOT_A_FORM, done: false });
    await expect(guarded({ error: null, done: false }, "id=t-1")).resolves.toEqual({ error: NOT_A_FORM, done: false });
    expect(action).not.toHaveBeenCalled();
  });

  it("checks the role before it looks at the arguments: an anonymous forged call is still sent to /login", async () => {
    checked.mockRejectedValueOnce(new Error("NEXT_REDIRECT;/login"));
    const action = vi.fn(async (): Promise<State> => ({ error: null, done: true }));
    await expect((guardedFormAction("Admin", refused, action) as (...args: unknown[]) => Promise<unknown>)()).rejects.toThrow("NEXT_REDIRECT;/login");
    expect(action).not.toHaveBeenCalled();
  });
});
