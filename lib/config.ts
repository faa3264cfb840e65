/**
 * JoinScope's configuration: read once from the environment, validated with zod, imported everywhere else.
 * No other module reads process.env. The README's configuration table lists the same variables.
 */
import { resolve } from "node:path";
import { z } from "zod";

const boolean = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");

const ConfigSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .default("file:./data/joinscope.db")
    .refine((v) => v.startsWith("file:") || /^postgres(ql)?:\/\//.test(v), {
      message: "must start with file: (embedded SQLite) or postgres:// (PostgreSQL)",
    }),
  /** 32+ characters; encrypts stored tenant credentials. Generated into data/ when unset (single-node use). */
  JOINSCOPE_SECRET_KEY: z.string().min(32).optional(),
  JOINSCOPE_DATA_DIR: z.string().default("./data"),
  /** Largest accepted report upload in bytes (HTTP 413 above). */
  JOINSCOPE_INGEST_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(4096)
    .max(16 * 1024 * 1024)
    .default(1024 * 1024),
  /** Uploads allowed per enrolled device (or per token, for direct uploads) per window (HTTP 429 with Retry-After above). */
  JOINSCOPE_INGEST_RATE_LIMIT: z.coerce.number().int().min(1).default(600),
  JOINSCOPE_INGEST_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Bytes of upload bodies accepted per device key (or per token, for direct uploads) per minute, enforced in 2-second slices (HTTP 429 above): bounds the
   * parsing work one token can cause, without bursts, since a worst-case body costs about as much CPU as its size. */
  JOINSCOPE_INGEST_BYTES_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(4096)
    .default(32 * 1024 * 1024),
  /** Minutes between scheduled delta syncs; 0 turns the scheduler off. */
  JOINSCOPE_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(15),
  /** Blocked sign-ins kept (and pulled on a first run), in days: the sign-in log's own 30 by default. */
  JOINSCOPE_SIGNIN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Tolerance between DeviceCertificateValidity start and registrationDateTime (docs/domain.md, *Certificates*). */
  JOINSCOPE_CERT_REGISTRATION_TOLERANCE_MINUTES: z.coerce.number().int().min(1).default(60),
  /** Session cookie lifetime for dashboard admins. */
  JOINSCOPE_SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Forces the cookies' Secure flag either way; unset, it follows JOINSCOPE_PUBLIC_URL / a trusted proxy (lib/http/public-origin.ts). */
  JOINSCOPE_SECURE_COOKIES: boolean.optional(),
  /** The URL admins and agents reach JoinScope on (https://joinscope.contoso.com). Its scheme decides Secure
   * cookies and HSTS; its origin is the one server actions and copy-paste snippets use. */
  JOINSCOPE_PUBLIC_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  /** True only behind a reverse proxy that sets X-Forwarded-For/-Proto/-Host itself: otherwise those headers come
   * from the client and are ignored. */
  JOINSCOPE_TRUST_PROXY: boolean.default(false),
  /** Failed agent authentications (no, unknown or revoked token) allowed per client address per window on the
   * upload endpoint; above it the client gets 429 before its token is looked up. */
  JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).default(30),
  JOINSCOPE_INGEST_AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Device enrolments allowed per enrolment secret per minute (HTTP 429 with Retry-After above), per instance:
   * a leaked secret cannot enrol machines faster than this (decision 011). */
  JOINSCOPE_ENROL_RATE_LIMIT: z.coerce.number().int().min(1).default(600),
  /** Enrolled devices per tenant, revoked ones included: above it an enrolment of a new machine is refused (403). */
  JOINSCOPE_MAX_AGENT_DEVICES: z.coerce.number().int().min(1).default(250_000),
  /** A device key older than this is answered keyRotation "due" on upload, and the agent rotates it. */
  JOINSCOPE_AGENT_KEY_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Hosts a "custom" cloud may point at besides the national clouds' own (lib/graph/clouds.ts): comma-separated
   * `host` (any port) or `host:port` entries. Empty by default: then only the national clouds are reachable. */
  JOINSCOPE_ALLOWED_CLOUD_HOSTS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== ""),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/, "each entry is host or host:port, comma-separated"))),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Failed dashboard sign-ins per account (email) within an hour before the account is locked (lib/auth/login-throttle.ts). */
  JOINSCOPE_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
  /** Failed dashboard sign-ins per client address within an hour, over any emails, before the address is blocked. */
  JOINSCOPE_LOGIN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(100),
  /** The first lock-out's length; each further lock of the same account or address within a day doubles it, up to a day. */
  JOINSCOPE_LOGIN_LOCK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** Sign in with Microsoft (lib/auth/entra-sign-in.ts, decision 022): JoinScope's own app registration. All three or none. */
  JOINSCOPE_ENTRA_CLIENT_ID: z.string().trim().uuid("must be the app registration's Application (client) ID").optional(),
  JOINSCOPE_ENTRA_CLIENT_SECRET: z.string().min(1).max(1024).optional(),
  /** The directory (tenant) ID whose users sign in, or `organizations` for a multi-tenant app (then JOINSCOPE_ENTRA_ALLOWED_TENANTS is required). */
  JOINSCOPE_ENTRA_TENANT_ID: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|organizations)$/, "must be a directory (tenant) ID or organizations")
    .optional(),
  /** With `organizations`: the tenants whose users may sign in (comma-separated tenant IDs); any other tenant's ID token is refused. */
  JOINSCOPE_ENTRA_ALLOWED_TENANTS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== ""),
    )
    .pipe(z.array(z.string().uuid("each entry is a tenant ID, comma-separated"))),
  /** The login host (`login.microsoftonline.us` for US Government, `login.chinacloudapi.cn` for China); another host must be listed in JOINSCOPE_ALLOWED_CLOUD_HOSTS. */
  JOINSCOPE_ENTRA_AUTHORITY_HOST: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9.-]+(:\d{1,5})?$/, "must be host or host:port")
    .default("login.microsoftonline.com"),
  /** The redirect URI registered on the app; default `<JOINSCOPE_PUBLIC_URL or the request's origin>/auth/callback`. */
  JOINSCOPE_ENTRA_REDIRECT_URI: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  /** Optional: Entra group object ids mapped to roles, `<group id>=Reader|Operator|Admin`, comma-separated (needs the `groups` claim). */
  JOINSCOPE_ENTRA_GROUP_ROLES: z.string().default(""),
  /** Local password accounts (break-glass, the demo). `false` once Sign in with Microsoft works: the password form is gone and refused. */
  JOINSCOPE_LOCAL_LOGIN: boolean.default(true),
});

export type Config = z.infer<typeof ConfigSchema>;

const CheckedConfigSchema = ConfigSchema.superRefine((c, ctx) => {
  const entra = [c.JOINSCOPE_ENTRA_CLIENT_ID, c.JOINSCOPE_ENTRA_CLIENT_SECRET, c.JOINSCOPE_ENTRA_TENANT_ID];
  if (entra.some((v) => v !== undefined) && entra.some((v) => v === undefined))
    ctx.addIssue({ code: "custom", path: ["JOINSCOPE_ENTRA_CLIENT_ID"], message: "set JOINSCOPE_ENTRA_CLIENT_ID, _CLIENT_SECRET and _TENANT_ID together" });
  if (c.JOINSCOPE_ENTRA_TENANT_ID === "organizations" && c.JOINSCOPE_ENTRA_ALLOWED_TENANTS.length === 0)
    ctx.addIssue({ code: "custom", path: ["JOINSCOPE_ENTRA_ALLOWED_TENANTS"], message: "list the tenants whose users may sign in to a multi-tenant app" });
  if (!c.JOINSCOPE_LOCAL_LOGIN && entra.some((v) => v === undefined))
    ctx.addIssue({ code: "custom", path: ["JOINSCOPE_LOCAL_LOGIN"], message: "turn local accounts off only once Sign in with Microsoft is configured" });
});

function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = CheckedConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`JoinScope configuration is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const config: Config = loadConfig(process.env);

export function databaseProvider(url: string = config.DATABASE_URL): "sqlite" | "postgresql" {
  return url.startsWith("file:") ? "sqlite" : "postgresql";
}

/** The absolute path of a `file:` DATABASE_URL's database (query string dropped). */
export function sqliteFilePath(url: string): string {
  return resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}
