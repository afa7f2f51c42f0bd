import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";

// The data directory holds the database (subscriber addresses, password
// hashes, encrypted link tokens), the generated HERALD_SECRET and the saved
// public snapshots: only the account Herald runs as may read them. New ones
// are created with these modes; those of an existing install are tightened
// where Herald opens them (a chmod is cheap), so an upgrade fixes a
// world-readable data directory.
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * A chmod that cannot be done (a directory owned by another account, a
 * read-only mount) is reported, not fatal: Herald still starts as it did
 * before, and the operator learns what to fix.
 */
function tighten(target: string, mode: number): void {
  try {
    chmodSync(target, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    console.warn(
      `[herald] WARNING could not make ${target} owner-only (chmod ${mode.toString(8)}: ${code ?? String(err)})`,
    );
  }
}

/** Creates the directory (and missing parents) owner-only, and tightens it if it already existed. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
}

/** Creates the file empty if missing (owner-only from its first byte), and tightens it if it already existed. */
export function makePrivateFile(file: string): void {
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  tighten(file, PRIVATE_FILE_MODE);
}

/** Tightens the file if it exists. */
export function tightenFile(file: string): void {
  tighten(file, PRIVATE_FILE_MODE);
}
