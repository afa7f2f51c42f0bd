import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { z } from "zod";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Short random lowercase base36 id, 12 characters like Statuspage's. */
export function newId(length = 12): string {
  let id = "";
  for (let i = 0; i < length; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

/**
 * The id format every id is checked against: newId's alphabet, 1 to 32
 * characters (ids imported from Statuspage keep their own length). The source
 * string is for patterns that embed an id (lib/snapshots/routes.ts).
 */
export const ID_SOURCE = "[0-9a-z]{1,32}";
const ID_PATTERN = new RegExp(`^${ID_SOURCE}$`);

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** The id format as a zod schema, for use case inputs. */
export const Id = z.string().regex(ID_PATTERN, "Malformed id");

/** A long random secret for links and API keys (256 bits). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
