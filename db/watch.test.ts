import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { openDb } from "./client";
import { migrateDb } from "./migrate";
import { page } from "./schema";
import { watchDatabaseFile } from "./watch";

const dir = mkdtempSync(path.join(tmpdir(), "herald-watch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const url = `file:${path.join(dir, "herald.db")}`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("watchDatabaseFile", () => {
  it("reports another connection's commits at once, a burst of them a few times, and nothing for reads", async () => {
    const writer = openDb({ url });
    await migrateDb(writer.db);
    const reader = openDb({ url });
    // Open before the watch, as the edge's connection is (opening one touches the -wal file).
    await reader.db.select().from(page);
    let calls = 0;
    const stop = watchDatabaseFile(url, () => calls++, { quietMs: 50 })!;
    try {
      // Reads (the edge's own version reads) and other files of the directory (the saved snapshots, a copy of the
      // database beside it) are not writes.
      await pause(100);
      for (let i = 0; i < 20; i++) await reader.db.select().from(page);
      writeFileSync(path.join(dir, "snapshots.json"), "{}");
      writeFileSync(path.join(dir, "herald.db.bak"), "");
      writeFileSync(path.join(dir, "herald.db-old"), "");
      await pause(150);
      expect(calls).toBe(0);

      await writer.db.run(sql`create table t (x)`);
      const started = Date.now();
      while (calls === 0 && Date.now() - started < 5000) await pause(5);
      // The commit's call, and (if this loop was held up past quietMs on a busy machine) the one after the last write.
      expect(calls).toBeGreaterThanOrEqual(1);
      expect(calls).toBeLessThanOrEqual(2);

      // 40 commits over ~400 ms: reported when they start, then every 50 ms at most while they go on.
      calls = 0;
      const burstStarted = Date.now();
      for (let i = 0; i < 40; i++) {
        await writer.db.run(sql`insert into t values (${i})`);
        await pause(10);
      }
      const burstMs = Date.now() - burstStarted;
      await pause(200);
      expect(calls).toBeGreaterThanOrEqual(2);
      expect(calls).toBeLessThanOrEqual(Math.ceil(burstMs / 50) + 2);
    } finally {
      stop();
      writer.client.close();
      reader.client.close();
    }
  });

  it("calls once more after the last write (a commit shows only after its -shm update, which is silent)", async () => {
    const own = mkdtempSync(path.join(tmpdir(), "herald-watch-once-"));
    writeFileSync(path.join(own, "x.db-wal"), "");
    // The watcher's timer is faked, so its delay is checked exactly however busy the machine is; the event is real.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let calls = 0;
    let firstCall!: () => void;
    const called = new Promise<void>((resolve) => (firstCall = resolve));
    const stop = watchDatabaseFile(
      `file:${path.join(own, "x.db")}`,
      () => {
        calls++;
        firstCall();
      },
      { quietMs: 50 },
    )!;
    try {
      // One write to the log, one event: a read started at it may come before the commit is visible.
      appendFileSync(path.join(own, "x.db-wal"), "frame");
      await called;
      expect(calls).toBe(1);
      vi.advanceTimersByTime(49);
      expect(calls).toBe(1);
      vi.advanceTimersByTime(1);
      expect(calls).toBe(2);
      vi.advanceTimersByTime(150);
      expect(calls).toBe(2);
    } finally {
      vi.useRealTimers();
      stop();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it("has nothing to watch on a libSQL server or in memory", () => {
    expect(watchDatabaseFile("libsql://example.turso.io", () => {})).toBeNull();
    expect(watchDatabaseFile("file::memory:", () => {})).toBeNull();
  });

  it("leaves the version to the poll when the directory cannot be watched, instead of failing the start", () => {
    // fs.watch refuses at once here, as it does when inotify's watch limit is reached.
    const lines: string[] = [];
    const missing = path.join(dir, "gone", "herald.db");
    expect(watchDatabaseFile(`file:${missing}`, () => {}, { log: (line) => lines.push(line) })).toBeNull();
    expect(lines).toEqual([expect.stringMatching(/cannot be watched \(Error: ENOENT.*seen at the next poll$/)]);
  });
});
