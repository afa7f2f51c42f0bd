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

function key(secret: string): Buffer {
  return createHash("sha256").update(`herald:subscriber-link-token:${secret}`).digest();
}

export function issueToken(secret: string): IssuedToken {
  const token = newToken();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(secret), iv);
  const ct = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return { token, hash: sha256(token), enc: Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64url") };
}

export function revealToken(secret: string, enc: string): string {
  const raw = Buffer.from(enc, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key(secret), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

/** Tokens are base64url of 32 bytes; anything else is rejected before a lookup. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function hashToken(token: string): string {
  return sha256(token);
}
