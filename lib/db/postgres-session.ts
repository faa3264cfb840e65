import type pg from "pg";

/**
 * Settings of every PostgreSQL connection the app opens (Prisma's pool and the direct pool), applied by pg-pool's
 * `onConnect` hook, which the pool awaits before it hands the new connection out.
 *
 * `jit = off`: JoinScope's queries are short, index-driven reads and writes. PostgreSQL compiles a query with LLVM once
 * the planner's cost estimate passes jit_above_cost (100,000 by default), and a misestimated join crossed it: the
 * compilation then cost more than the request (decision 018 has the figures).
 * Turning JIT off for the app's own sessions keeps plans from paying for it by accident, and leaves the server's
 * setting to other clients (decision 018). A session-level SET, not a startup option, so that PgBouncer, which refuses
 * unknown startup parameters by default, can sit in between.
 */
export const POSTGRES_SESSION_SETTINGS = ["SET jit = off"] as const;

/** pg-pool (3.8 and later) awaits `onConnect` before handing a new connection out; @types/pg does not list it yet. */
type PoolConfigWithHook = pg.PoolConfig & { onConnect: (client: pg.PoolClient) => Promise<void> };

export function postgresPoolConfig(config: pg.PoolConfig): pg.PoolConfig {
  const withHook: PoolConfigWithHook = {
    ...config,
    onConnect: async (client) => {
      for (const statement of POSTGRES_SESSION_SETTINGS) await client.query(statement);
    },
  };
  return withHook;
}
