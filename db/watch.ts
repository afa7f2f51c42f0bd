// Another process's commit to a local SQLite database (the CLI, a separate
// worker) writes its -wal file at once: watching the database's directory
// tells the edge without waiting for its next poll of the content version.
import { type FSWatcher, watch } from "node:fs";
import path from "node:path";
import { localDatabaseFile } from "./client";

export interface WatchOptions {
  /** The longest quiet between two calls while writes go on, and the wait before the call after the last (25 ms). */
  quietMs?: number;
  /** Where a directory that cannot be watched, or stops being watched, is reported (default console.log). */
  log?: (line: string) => void;
}

/** The files a commit writes: the database and its write-ahead log, shared-memory index and rollback journal. */
const SIDE_FILES = ["", "-wal", "-shm", "-journal"];

/**
 * Calls `onChange` right after a write to the local database `url` names, then at most once per `quietMs` while
 * writes go on, and always once more `quietMs` after the last. That last call is needed: a commit becomes visible to
 * readers when SQLite updates the WAL index in the -shm file, through shared memory, which makes no event. A read
 * started at the event of the log's write can come before it, and the commit's writes often make a single event (the
 * system merges repeated ones), so nothing else would follow. Without it, a CLI publish was seen at the next poll
 * instead, about one time in four. Returns the stop function; null for a libSQL server or an in-memory database, which
 * only polling can follow, and when the directory cannot be watched (reported to `log`: the poll alone follows the
 * version then).
 */
export function watchDatabaseFile(url: string, onChange: () => void, opts: WatchOptions = {}): (() => void) | null {
  const file = localDatabaseFile(url);
  if (!file) return null;
  const { quietMs = 25, log = console.log } = opts;
  const names = new Set(SIDE_FILES.map((suffix) => path.basename(file) + suffix));
  const cannot = (why: string) =>
    log(`[herald] the database file cannot be watched (${why}): other processes' changes are seen at the next poll`);
  let timer: NodeJS.Timeout | null = null;
  let pending = false;
  const fire = () => {
    pending = false;
    onChange();
    timer = setTimeout(() => {
      timer = null;
      if (pending) fire();
      else onChange();
    }, quietMs);
    timer.unref();
  };
  // The directory, not the files: SQLite deletes and recreates -wal and -journal files.
  let watcher: FSWatcher;
  try {
    watcher = watch(path.dirname(file), (_event, name) => {
      // A rename or a platform that does not say which file (name null) may be a commit; a sibling file is not.
      if (name !== null && !names.has(name)) return;
      if (timer) pending = true;
      else fire();
    });
  } catch (err) {
    // Refused at once: inotify's watch limit reached, no such directory.
    cannot(String(err));
    return null;
  }
  watcher.unref();
  const stop = () => {
    watcher.close();
    if (timer) clearTimeout(timer);
  };
  // The directory removed or unmounted later: the poll still follows the version.
  watcher.on("error", (err) => {
    stop();
    cannot(String(err));
  });
  return stop;
}
