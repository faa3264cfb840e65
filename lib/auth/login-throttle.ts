import "server-only";
import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";

/**
 * Password-guessing defence for the dashboard sign-in, after OWASP's Authentication Cheat Sheet ("Protect against
 * automated attacks": account lockout with a growing duration, https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#account-lockout)
 * and rate-limiter-flexible's login-endpoint pattern (https://github.com/animir/node-rate-limiter-flexible/wiki/Overall-example#login-endpoint-protection):
 *
 * - per account (the normalised email, known or not, so a lock-out reveals nothing): JOINSCOPE_LOGIN_MAX_FAILURES
 *   consecutive failures within an hour lock it; a success resets the count;
 * - per client address, over any emails (password spraying): JOINSCOPE_LOGIN_ADDRESS_MAX_FAILURES failures an hour;
 * - a lock lasts JOINSCOPE_LOGIN_LOCK_MINUTES, doubled for each further lock of the same key within a day (up to a day).
 *
 * An attempt takes its point BEFORE the password is checked and gives it back on success: counting only finished
 * failures would let a burst of parallel guesses all pass the check before the first failure is recorded. The
 * counters live in the database (LoginThrottle, RateLimiterPrisma), so every app instance and a restart see a lock.
 */
const WINDOW_SECONDS = 3600;
const LOCK_HISTORY_SECONDS = 24 * 3600;
const MAX_LOCK_SECONDS = 24 * 3600;

export type ThrottleScope = "account" | "address";

interface Limiters {
  account: RateLimiterPrisma;
  address: RateLimiterPrisma;
  /** How many locks each account or address had in the last day: the exponent of the next lock's length. */
  locks: RateLimiterPrisma;
}

const byDb = new WeakMap<Db, Limiters>();

function limiters(db: Db): Limiters {
  let l = byDb.get(db);
  if (!l) {
    const common = { storeClient: db, tableName: "loginThrottle" };
    l = {
      // One of them sweeps expired rows of the shared table (every 5 minutes, unref'd timer).
      account: new RateLimiterPrisma({ ...common, keyPrefix: "account", points: config.JOINSCOPE_LOGIN_MAX_FAILURES, duration: WINDOW_SECONDS }),
      address: new RateLimiterPrisma({
        ...common,
        keyPrefix: "address",
        points: config.JOINSCOPE_LOGIN_ADDRESS_MAX_FAILURES,
        duration: WINDOW_SECONDS,
        clearExpiredByTimeout: false,
      }),
      locks: new RateLimiterPrisma({ ...common, keyPrefix: "locks", points: 1_000_000, duration: LOCK_HISTORY_SECONDS, clearExpiredByTimeout: false }),
    };
    byDb.set(db, l);
  }
  return l;
}

export type LoginAttempt =
  | {
      allowed: true;
      /** The password was right: the account's consecutive failures start again and the address gets its point back. */
      succeeded: () => Promise<void>;
    }
  | {
      allowed: false;
      scope: ThrottleScope;
      retryAfterSeconds: number;
      /** This attempt is the one that crossed the limit and started a lock (of lockMinutes). */
      lockStarted: boolean;
    };

/** Takes one attempt from the address's and the account's budgets; refused while either is locked. */
export async function beginLoginAttempt(db: Db, keys: { account: string; address: string }): Promise<LoginAttempt> {
  const l = limiters(db);
  for (const scope of ["address", "account"] as const) {
    try {
      await l[scope].consume(keys[scope]);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return refuse(l, scope, keys[scope], rejection);
    }
  }
  return {
    allowed: true,
    succeeded: async () => {
      await l.account.delete(keys.account);
      await l.address.reward(keys.address, 1);
    },
  };
}

async function refuse(l: Limiters, scope: ThrottleScope, key: string, res: RateLimiterRes): Promise<LoginAttempt> {
  const limiter = l[scope];
  // Exactly one attempt crosses the limit (the store increments atomically); it starts the lock. Later ones, and
  // any that raced it, are refused for what is left of the lock or window.
  if (res.consumedPoints !== limiter.points + 1) {
    return { allowed: false, scope, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)), lockStarted: false };
  }
  const previousLocks = await l.locks.consume(`${scope}:${key}`).then(
    (r) => r.consumedPoints,
    (r: unknown) => (r instanceof RateLimiterRes ? r.consumedPoints : Promise.reject(r)),
  );
  const seconds = Math.min(config.JOINSCOPE_LOGIN_LOCK_MINUTES * 60 * 2 ** Math.min(previousLocks - 1, 20), MAX_LOCK_SECONDS);
  await limiter.block(key, seconds);
  return { allowed: false, scope, retryAfterSeconds: seconds, lockStarted: true };
}

/** Lifts an account's lock and forgets its lock history (`joinscope admin reset-password` / `enable` from the server). */
export async function clearAccountThrottle(db: Db, account: string): Promise<void> {
  const l = limiters(db);
  await l.account.delete(account);
  await l.locks.delete(`account:${account}`);
}

/** "Too many attempts; try again in 15 minutes." */
export function lockedMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts; try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}
