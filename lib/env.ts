import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { makePrivateDir, PRIVATE_FILE_MODE, tightenFile } from "@/db/private-files";

// The only reader of process.env. Parsed lazily so importing a module never
// requires configuration (tests build their own contexts).

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().min(1).default("file:./data/herald.db"),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  HERALD_DATA_DIR: z.string().min(1).default("./data"),
  HERALD_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  // Signs session cookies. Generated once into the data directory when unset.
  HERALD_SECRET: z.string().min(32).optional(),

  // Email (lib/email/from-env.ts). No RESEND_API_KEY → the outbox transport.
  RESEND_API_KEY: z.string().min(1).optional(),
  RESEND_BASE_URL: z.url().optional(),
  RESEND_WEBHOOK_SECRET: z.string().min(1).optional(),
  HERALD_EMAIL_FROM: z.string().min(3).optional(),
  HERALD_EMAIL_RATE: z.coerce.number().positive().max(1000).default(2),
  HERALD_EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  HERALD_EMAIL_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  HERALD_EMAIL_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  HERALD_EMAIL_LEASE_MS: z.coerce.number().int().min(1000).default(120_000),
  // First retry delay after a 5xx/timeout; doubles per attempt up to 10 minutes.
  HERALD_EMAIL_BACKOFF_MS: z.coerce.number().int().min(10).default(2000),
  // Background work (lib/worker). "off" when a separate `npm run worker` or /api/cron drains.
  HERALD_WORKER: z.enum(["in-process", "off"]).default("in-process"),
  HERALD_WORKER_INTERVAL_MS: z.coerce.number().int().min(50).default(2000),
  HERALD_CRON_SECRET: z.string().min(16).optional(),
  // Subscribe-form abuse limits (lib/subscribers/limits.ts).
  HERALD_SUBSCRIBE_PER_ADDRESS_15M: z.coerce.number().int().min(0).default(1),
  HERALD_SUBSCRIBE_PER_ADDRESS_DAY: z.coerce.number().int().min(0).default(3),
  HERALD_SUBSCRIBE_PER_IP_HOUR: z.coerce.number().int().min(0).default(10),
  HERALD_SUBSCRIBE_GLOBAL_HOUR: z.coerce.number().int().min(0).default(500),
  // Who the client is (lib/edge/client-ip.ts): unset = the socket's address; a hop
  // count ("1") or CIDRs of the proxies in front that append X-Forwarded-For.
  HERALD_TRUSTED_PROXIES: z.string().max(2000).optional(),
  // Requests per client address that reach the application without a session (lib/edge/edge.ts).
  HERALD_EDGE_RATE_PER_SEC: z.coerce.number().positive().max(100_000).default(10),
  HERALD_EDGE_BURST: z.coerce.number().int().min(1).max(100_000).default(40),
  // Sign-in limits (lib/auth/sign-in-limits.ts): wrong passwords per account per window, then 429 from any address.
  HERALD_SIGNIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
  HERALD_SIGNIN_LOCK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  // Staff single sign-on (lib/auth/policy.ts). When set, these win over the console's settings.
  HERALD_OIDC_ISSUER: z.url().optional(),
  HERALD_OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  HERALD_OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  // How often each instance re-reads page.content_version for the public snapshots.
  HERALD_SNAPSHOT_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  // Renders of the public set after start (and after the application process restarts), not stored: the first publish
  // runs optimized code (lib/snapshots/server.ts).
  HERALD_WARMUP_ROUNDS: z.coerce.number().int().min(0).max(100).default(10),
  // After that, the public set rendered once more (not stored) whenever nothing has rendered for this long; 0: never.
  HERALD_KEEP_WARM_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  // On a local SQLite file, another process's commit is also seen at once by watching the file (db/watch.ts).
  HERALD_SNAPSHOT_WATCH: z
    .enum(["0", "1"])
    .default("1")
    .transform((v) => v === "1"),
  // Management API limit per key (lib/api-keys/rate-limit.ts): a token bucket per key, per process.
  HERALD_API_RATE_PER_SEC: z.coerce.number().positive().max(10_000).default(1),
  HERALD_API_BURST: z.coerce.number().int().min(1).max(100_000).default(10),
  // Outbound requests to user-given URLs (lib/net/fetch.ts): http:// targets and
  // loopback/private/link-local/CGNAT/… addresses are refused unless set to 1.
  HERALD_WEBHOOK_ALLOW_HTTP: z
    .enum(["0", "1"])
    .default("0")
    .transform((v) => v === "1"),
  HERALD_WEBHOOK_ALLOW_PRIVATE: z
    .enum(["0", "1"])
    .default("0")
    .transform((v) => v === "1"),
  // Channel delivery (lib/worker/deliver-channels.ts): per-request deadline, requests in
  // flight per target host, attempts per event, failed events in a row before a
  // target is disabled, first retry delay (doubles per attempt up to the max, 30 minutes by default).
  HERALD_CHANNEL_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
  HERALD_CHANNEL_HOST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  HERALD_CHANNEL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  HERALD_CHANNEL_DISABLE_AFTER: z.coerce.number().int().min(1).max(1000).default(5),
  HERALD_CHANNEL_BACKOFF_MS: z.coerce.number().int().min(10).default(5000),
  HERALD_CHANNEL_BACKOFF_MAX_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(30 * 60_000),
  // How long a worker holds leased deliveries; must outlast a batch (perHost requests per host, each up to the
  // timeout).
  HERALD_CHANNEL_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  // Static mirror (lib/mirror, issue 16): any of the three targets; none set = no mirror.
  HERALD_MIRROR_DIR: z.string().min(1).optional(),
  HERALD_MIRROR_GIT_URL: z.string().min(1).optional(),
  HERALD_MIRROR_GIT_BRANCH: z.string().min(1).default("gh-pages"),
  HERALD_MIRROR_S3_BUCKET: z.string().min(1).optional(),
  HERALD_MIRROR_S3_PREFIX: z.string().default(""),
  HERALD_MIRROR_S3_REGION: z.string().min(1).default("auto"),
  HERALD_MIRROR_S3_ENDPOINT: z.url().optional(),
  HERALD_MIRROR_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  HERALD_MIRROR_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  // The folder inside which admins may add directory targets in the console (none may without it).
  HERALD_MIRROR_DIR_ROOT: z.string().min(1).optional(),
  // Where the worker reads the public site (Herald's own server; default http://127.0.0.1:PORT).
  HERALD_MIRROR_SOURCE_URL: z.url().optional(),
  HERALD_MIRROR_DEBOUNCE_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  HERALD_MIRROR_MAX_DELAY_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  HERALD_MIRROR_LEASE_MS: z.coerce.number().int().min(500).default(30_000),
  HERALD_MIRROR_BACKOFF_MS: z.coerce.number().int().min(10).default(5000),
});

export type Env = z.infer<typeof EnvSchema> & { HERALD_SECRET: string };

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${fields}`);
  }
  // Once per process, before anything writes there: the data directory is
  // owner-only, whether new or left world-readable by an older install.
  makePrivateDir(parsed.data.HERALD_DATA_DIR);
  cached = { ...parsed.data, HERALD_SECRET: parsed.data.HERALD_SECRET ?? generatedSecret(parsed.data.HERALD_DATA_DIR) };
  return cached;
}

/** For the one-command start: a secret made once and kept beside the database, owner-only. */
function generatedSecret(dataDir: string): string {
  const file = path.join(dataDir, "secret");
  if (existsSync(file)) {
    tightenFile(file);
    return readFileSync(file, "utf8").trim();
  }
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: PRIVATE_FILE_MODE, flag: "wx" });
  return secret;
}
