import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { makePrivateFile, PRIVATE_DIR_MODE, tightenFile } from "@/db/private-files";
import { splitViewKey } from "./routes";

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** One rendered public response, kept as bytes in every encoding we serve. */
export interface Snapshot {
  key: string;
  /** The content version the render started from. */
  version: number;
  status: number;
  contentType: string;
  /** Hash of the body: an unchanged page keeps its ETag across versions. */
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

/**
 * A fresh render is on the way to a reader who is waiting for it, so it is stored at once with quick compression
 * (gzip 4 and brotli 4: ~2 and ~6 ms for the 10-year seed's 195 KB `/`, against ~9 ms for gzip 9 and ~8 ms for
 * brotli 5), and finishSnapshot recompresses it at the best levels when the renders of the same publish are done
 * (brotli 11 costs ~0.35-0.7 s of CPU for that page, 15 % fewer bytes than brotli 4).
 */
const LEVELS = {
  fast: { gzip: 4, brotli: 4 },
  best: { gzip: 9, brotli: constants.BROTLI_MAX_QUALITY },
} as const;

export async function makeSnapshot(
  key: string,
  version: number,
  status: number,
  contentType: string,
  body: Buffer,
  quality: keyof typeof LEVELS = "best",
): Promise<Snapshot> {
  const [gz, br] = await compress(body, quality);
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  return { key, version, status, contentType, etag, identity: body, gzip: gz, br };
}

/** The same snapshot with its compressed variants at the best levels (same bytes decoded, same ETag). */
export async function finishSnapshot(snap: Snapshot): Promise<Snapshot> {
  const [gz, br] = await compress(snap.identity, "best");
  return { ...snap, gzip: gz, br };
}

function compress(body: Buffer, quality: keyof typeof LEVELS): Promise<[Buffer, Buffer]> {
  const levels = LEVELS[quality];
  return Promise.all([
    gzipAsync(body, { level: levels.gzip }),
    brotliAsync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: levels.brotli,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  ]);
}

interface PersistedEntry {
  key: string;
  version: number;
  status: number;
  contentType: string;
  etag: string;
  identity: string;
  gzip: string;
  br: string;
}

export interface SnapshotStoreOptions {
  /** Where the last good set is kept for restarts with the database unreachable. */
  file?: string;
  /** Bound on entries (404s for random ids must not grow memory without limit). */
  maxEntries?: number;
  /**
   * Bound on the bytes held (every encoding of every entry): a crawl of years of incident pages and their cards must
   * not grow memory without limit either. Default 256 MiB.
   */
  maxBytes?: number;
  /**
   * Bound on the size of `file`, the most recently rendered entries first (default 32 MiB, its bytes base64-encoded
   * included): the file is written whole, so a larger set would block the server for long, and past ~512 MB of text
   * it cannot be written at all.
   */
  maxSavedBytes?: number;
  saveDelayMs?: number;
  /**
   * The application build. Entries persisted by another build are only a
   * fallback: they are served while the version is unknown (database away)
   * but never count as current.
   */
  buildId?: string;
  /** Where a failed save, and the first that works after it, are reported (default console.error). */
  log?: (line: string) => void;
}

const sizeOf = (s: Snapshot) => s.identity.length + s.gzip.length + s.br.length;
const base64Length = (n: number) => 4 * Math.ceil(n / 3);
/** An entry's share of the saved file: its three encodings in base64, its strings and the JSON around them. */
const savedSizeOf = (s: Snapshot) =>
  base64Length(s.identity.length) +
  base64Length(s.gzip.length) +
  base64Length(s.br.length) +
  s.key.length +
  s.contentType.length +
  s.etag.length +
  120;
/** The longest wait between two attempts to save while saving fails. */
const MAX_RETRY_MS = 5 * 60_000;

export class SnapshotStore {
  private readonly entries = new Map<string, Snapshot>();
  private readonly file?: string;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly maxSavedBytes: number;
  private readonly saveDelayMs: number;
  private readonly buildId: string;
  private readonly log: (line: string) => void;
  private saveTimer: NodeJS.Timeout | null = null;
  /** How long the last save blocked this process: the next waits at least 20 times that (5 % of its time at most). */
  private lastSaveMs = 0;
  /** The bytes of every entry held. */
  private held = 0;
  /** Saves failed in a row: the next attempt waits twice as long as the last (at most MAX_RETRY_MS). */
  private failures = 0;

  constructor(opts: SnapshotStoreOptions = {}) {
    this.file = opts.file;
    this.maxEntries = opts.maxEntries ?? 5000;
    this.maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
    this.maxSavedBytes = opts.maxSavedBytes ?? 32 * 1024 * 1024;
    this.saveDelayMs = opts.saveDelayMs ?? 1000;
    this.buildId = opts.buildId ?? "";
    this.log = opts.log ?? ((line) => console.error(line));
  }

  get size(): number {
    return this.entries.size;
  }

  /** The bytes held in memory, every encoding of every entry. */
  get bytes(): number {
    return this.held;
  }

  get(key: string): Snapshot | undefined {
    return this.entries.get(key);
  }

  set(snap: Snapshot): void {
    this.hold(snap);
    if (snap.status === 200) this.scheduleSave();
  }

  private hold(snap: Snapshot): void {
    this.delete(snap.key);
    this.entries.set(snap.key, snap);
    this.held += sizeOf(snap);
    // Oldest inserted first: the least recently re-rendered entry goes (never the one just stored).
    while (this.entries.size > this.maxEntries || (this.held > this.maxBytes && this.entries.size > 1))
      this.delete(this.entries.keys().next().value!);
  }

  private delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.held -= sizeOf(old);
  }

  /**
   * Forgets the anonymous site but `keep` (a page gone private): from memory, and from the saved file at the
   * next save, so a restart with the database away cannot serve what the public could read before.
   */
  dropAnonymous(keep: string): void {
    let dropped = false;
    for (const key of [...this.entries.keys()])
      if (key !== keep && splitViewKey(key).view === null && this.entries.get(key)!.status === 200) {
        this.delete(key);
        dropped = true;
      }
    if (dropped) this.scheduleSave();
  }

  /** Loads the persisted set; returns how many entries it held (0 when there is none or it is unreadable). */
  load(): number {
    if (!this.file) return 0;
    // A file saved by an older Herald may be world-readable.
    tightenFile(this.file);
    let parsed: { buildId?: string; entries?: PersistedEntry[] };
    try {
      parsed = JSON.parse(readFileSync(this.file, "utf8"));
    } catch {
      return 0;
    }
    const sameBuild = parsed.buildId === this.buildId;
    let n = 0;
    for (const e of parsed.entries ?? []) {
      this.hold({
        key: e.key,
        version: sameBuild ? e.version : -1,
        status: e.status,
        contentType: e.contentType,
        etag: e.etag,
        identity: Buffer.from(e.identity, "base64"),
        gzip: Buffer.from(e.gzip, "base64"),
        br: Buffer.from(e.br, "base64"),
      });
      n++;
    }
    return n;
  }

  private scheduleSave(): void {
    if (!this.file || this.saveTimer) return;
    const delay = Math.max(this.saveDelayMs, 20 * this.lastSaveMs);
    this.saveTimer = setTimeout(
      () => {
        this.saveTimer = null;
        this.trySave();
      },
      this.failures === 0 ? delay : Math.min(MAX_RETRY_MS, Math.max(1, delay) * 2 ** this.failures),
    );
    this.saveTimer.unref();
  }

  /**
   * save(), a failure logged instead of thrown: a full or read-only disk costs the restart copy, never the server
   * (thrown from the save timer, it would exit the process). It is tried again with backoff until it works, without
   * waiting for a change: after dropAnonymous the file must lose what the public could read before.
   */
  trySave(): void {
    try {
      this.save();
    } catch (err) {
      if (this.failures++ === 0)
        this.log(`[herald] ERROR saving the public snapshots, trying again with backoff: ${String(err)}`);
      this.scheduleSave();
      return;
    }
    if (this.failures > 0) this.log(`[herald] the public snapshots are saved again, after ${this.failures} failures`);
    this.failures = 0;
  }

  /**
   * Writes the anonymous site's 200s atomically (temp file + rename), so a crash never leaves half a file.
   * Audience and private views stay in memory only (issue 13): after a restart no view is served before the
   * database says who may read it (the view gate has no access model until then), so a saved view could only
   * ever be a second copy of restricted content outside the database.
   */
  save(): void {
    if (!this.file) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const started = performance.now();
    // The most recently rendered first, within the budget; written oldest first, the order load() restores.
    const kept: Snapshot[] = [];
    let budget = this.maxSavedBytes;
    for (const s of [...this.entries.values()].reverse()) {
      const size = savedSizeOf(s);
      if (s.status !== 200 || splitViewKey(s.key).view !== null || size > budget) continue;
      kept.push(s);
      budget -= size;
    }
    const entries: PersistedEntry[] = kept.reverse().map((s) => ({
      key: s.key,
      version: s.version,
      status: s.status,
      contentType: s.contentType,
      etag: s.etag,
      identity: s.identity.toString("base64"),
      gzip: s.gzip.toString("base64"),
      br: s.br.toString("base64"),
    }));
    mkdirSync(path.dirname(this.file), { recursive: true, mode: PRIVATE_DIR_MODE });
    const tmp = `${this.file}.${process.pid}.tmp`;
    // The rename keeps the temp file's mode: owner-only (db/private-files.ts).
    try {
      makePrivateFile(tmp);
      writeFileSync(tmp, JSON.stringify({ buildId: this.buildId, savedAt: new Date().toISOString(), entries }));
      renameSync(tmp, this.file);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    this.lastSaveMs = performance.now() - started;
  }
}
