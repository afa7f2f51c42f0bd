// Another process's commit to a local SQLite database (the CLI, a separate
// worker) writes its -wal file at once: watching the database's directory
// tells the edge without waiting for its next poll of the content version.
import { type FSWatcher, watch } from "node:fs";
import path from "node:path";
import { localDatabaseFile } from "./client";

/**
 * Calls `onChange` right after a write to the local database `url` names, then at most once per `quietMs` while
 * writes go on (and once after the last). Returns the stop function; null for a libSQL server or an in-memory
 * database, which only polling can follow, and when the directory cannot be watched.
 */
export function watchDatabaseFile(url: string, onChange: () => void, quietMs = 25): (() => void) | null {
  const file = localDatabaseFile(url);
  if (!file) return null;
  const prefix = path.basename(file);
  let timer: NodeJS.Timeout | null = null;
  let pending = false;
  const fire = () => {
    pending = false;
    onChange();
    timer = setTimeout(() => {
      timer = null;
      if (pending) fire();
    }, quietMs);
    timer.unref();
  };
  // The directory, not the files: SQLite deletes and recreates -wal and -journal files.
  let watcher: FSWatcher;
  try {
    watcher = watch(path.dirname(file), (_event, name) => {
      if (name !== null && !name.startsWith(prefix)) return;
      if (timer) pending = true;
      else fire();
    });
  } catch {
    // Refused at once (inotify's watch limit reached, no such directory): the poll alone follows the version.
    return null;
  }
  watcher.unref();
  const stop = () => {
    watcher.close();
    if (timer) clearTimeout(timer);
  };
  // The poll still follows the version if the directory cannot be watched (inotify limits, a removed directory).
  watcher.on("error", stop);
  return stop;
}
