// Test helpers: a real migrated SQLite file per test file and a context to run
// use cases with. They call lib (ensurePage), so they live above it, not in db/.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Role } from "../../db/constants";
import { openDb, type Db } from "../../db/client";
import { migrateDb } from "../../db/migrate";
import type { Actor, Ctx } from "../../lib/context";
import { ensurePage } from "../../lib/page/page";

export interface TestDb {
  db: Db;
  dir: string;
  url: string;
  close: () => void;
}

/** A real SQLite file in a fresh temp directory, migrated by the real migrator. */
export async function createTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(path.join(tmpdir(), "herald-test-"));
  const url = `file:${path.join(dir, "herald.db")}`;
  const { db, client } = openDb({ url });
  await migrateDb(db);
  return {
    db,
    dir,
    url,
    close: () => {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A controllable clock for use cases. */
export function testClock(start = new Date("2026-03-01T12:00:00Z")) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
    set: (d: Date) => {
      t = d.getTime();
    },
  };
}

export function actor(role: Role, id = `user-${role}`): Actor {
  return { type: "user", id, label: `${role}@example.com`, role };
}

/** A migrated database with a page and a context for the given role. */
export async function createTestCtx(role: Role = "owner") {
  const t = await createTestDb();
  const clock = testClock();
  await ensurePage(t.db, clock.now(), "Acme Status");
  const ctx: Ctx = { db: t.db, now: clock.now, actor: actor(role) };
  const as = (r: Role): Ctx => ({ ...ctx, actor: actor(r) });
  return { ...t, ctx, clock, as };
}
