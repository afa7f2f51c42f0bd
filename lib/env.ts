import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

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
  cached = { ...parsed.data, HERALD_SECRET: parsed.data.HERALD_SECRET ?? generatedSecret(parsed.data.HERALD_DATA_DIR) };
  return cached;
}

/** For the one-command start: a secret made once and kept beside the database. */
function generatedSecret(dataDir: string): string {
  const file = path.join(dataDir, "secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
  return secret;
}
