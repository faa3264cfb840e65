// Driver adapters for the Prisma CLI's WASM schema engine (migrate deploy / diff), with the three
// workarounds recorded in docs/decisions/002-prisma-offline.md.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

export type Provider = "sqlite" | "postgresql";

export function providerFromUrl(url: string): Provider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL); got "${url.split(":")[0]}:…"`);
}

export function sqlitePathFromUrl(url: string): string {
  return url.replace(/^file:/, "").replace(/\?.*$/, "");
}

// The schema engine reads catalog columns whose types @prisma/adapter-pg 6.19 cannot map (name, char,
// regproc, oidvector, int2vector, pg_node_tree, aclitem …: "Column type 'name' could not be deserialized").
// Their text form is all the engine needs, so the pool reports them as text (OID 25).
const CATALOG_OIDS = new Set([18, 19, 22, 24, 30, 194, 1033, 1002, 1003, 1034, 2202, 2203, 2205, 2206, 3734, 3769, 4089, 4096]);
const TEXT_OID = 25;

type QueryFn = (...args: unknown[]) => Promise<pg.QueryResult>;

function reportCatalogTypesAsText(result: pg.QueryResult): pg.QueryResult {
  for (const field of result.fields ?? []) {
    if (CATALOG_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return result;
}

function patchQuery<T extends { query: QueryFn }>(target: T): T {
  const original = target.query.bind(target);
  target.query = ((...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      // Callback style (pg.Pool uses it internally): patch the result on the way to the callback.
      const callback = last as (err: unknown, result?: pg.QueryResult) => void;
      return original(...args.slice(0, -1), (err: unknown, result?: pg.QueryResult) => callback(err, result ? reportCatalogTypesAsText(result) : result));
    }
    const pending = original(...args);
    return pending && typeof pending.then === "function" ? pending.then(reportCatalogTypesAsText) : pending;
  }) as QueryFn;
  return target;
}

class CatalogTolerantPool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    super(config);
    patchQuery(this as unknown as { query: QueryFn });
    this.on("connect", (client) => void patchQuery(client as unknown as { query: QueryFn }));
  }
}

export async function createMigrationAdapter(url: string) {
  if (providerFromUrl(url) === "sqlite") {
    return new PrismaBetterSQLite3({ url: sqlitePathFromUrl(url) });
  }
  return wholeScripts(new PrismaPg(new CatalogTolerantPool({ connectionString: url })));
}

/**
 * @prisma/adapter-pg 6.19 runs a migration script by splitting it at every ";", which cuts a function body
 * (`$$ … ; … $$`, the DeviceSummary tally trigger) in pieces. The script goes to the server whole instead, as one
 * simple-protocol query: PostgreSQL runs its statements in order in one implicit transaction, so a migration that
 * fails half-way leaves nothing behind.
 */
function wholeScripts(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    adapter.executeScript = async (script: string) => {
      await (adapter as unknown as { client: pg.Pool }).client.query(script);
    };
    return adapter;
  };
  return factory;
}
