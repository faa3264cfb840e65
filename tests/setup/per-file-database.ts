// Runs before each integration test file's imports: lib/config reads DATABASE_URL once, at import.
import { createTestDatabase } from "./databases";

process.env.DATABASE_URL = await createTestDatabase();
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "silent";
process.env.JOINSCOPE_INGEST_RATE_LIMIT = process.env.JOINSCOPE_INGEST_RATE_LIMIT ?? "5";
process.env.JOINSCOPE_INGEST_RATE_WINDOW_SECONDS = process.env.JOINSCOPE_INGEST_RATE_WINDOW_SECONDS ?? "60";
// Small sign-in limits so the lock-out tests need few (128 MiB scrypt) guesses.
process.env.JOINSCOPE_LOGIN_MAX_FAILURES = process.env.JOINSCOPE_LOGIN_MAX_FAILURES ?? "3";
process.env.JOINSCOPE_LOGIN_ADDRESS_MAX_FAILURES = process.env.JOINSCOPE_LOGIN_ADDRESS_MAX_FAILURES ?? "8";
// The simulators (tests/setup/simulated-tenant.ts) listen on 127.0.0.1, each on a free port: a "custom" cloud there
// must be allowed (lib/graph/clouds.ts). Other loopback addresses stay unlisted (tests/integration/cloud-hosts.test.ts).
process.env.JOINSCOPE_ALLOWED_CLOUD_HOSTS = process.env.JOINSCOPE_ALLOWED_CLOUD_HOSTS ?? "127.0.0.1";
