import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { newToken, sha256 } from "../ids";

// Confirm and manage links carry a 256-bit random token. The database keeps
// its SHA-256 (for lookup) and an AES-256-GCM copy under a key derived from
// HERALD_SECRET, because the worker has to put the token into every email it
// renders later. A copy of the database alone yields no working link.

export interface IssuedToken {
  token: string;
  hash: string;
  enc: string;
}

/** What a sealed value is for; each purpose has its own key, so one can never be opened as another. */
export type SealPurpose = "subscriber-link-token" | "channel-url" | "channel-secret" | "mirror-credentials";

// Derived once per secret and purpose: the worker opens two or three sealed values per delivery, and the hash was a
// third of each unseal's cost (bench/fanout.ts).
const keys = new Map<string, Buffer>();

function key(secret: string, purpose: SealPurpose): Buffer {
  const id = `herald:${purpose}:${secret}`;
  let k = keys.get(id);
  if (!k) keys.set(id, (k = createHash("sha256").update(id).digest()));
  return k;
}

/** AES-256-GCM under a key derived from HERALD_SECRET: link tokens, channel target URLs and signing secrets. */
export function seal(secret: string, purpose: SealPurpose, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(secret, purpose), iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64url");
}

export function unseal(secret: string, purpose: SealPurpose, enc: string): string {
  const raw = Buffer.from(enc, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key(secret, purpose), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

export function issueToken(secret: string): IssuedToken {
  const token = newToken();
  return { token, hash: sha256(token), enc: seal(secret, "subscriber-link-token", token) };
}

export function revealToken(secret: string, enc: string): string {
  return unseal(secret, "subscriber-link-token", enc);
}

/** Tokens are base64url of 32 bytes; anything else is rejected before a lookup. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function hashToken(token: string): string {
  return sha256(token);
}
