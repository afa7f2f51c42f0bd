import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { makePrivateDir } from "@/db/private-files";
import { makeSnapshot, SnapshotStore } from "@/lib/snapshots/store";

// Data directory 0700, database and snapshot files 0600 (issue 10, item 6),
// for a new install and for an existing one made before this rule.
const mode = (p: string) => statSync(p).mode & 0o777;
let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "herald-modes-"));
  chmodSync(root, 0o755);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the database file", () => {
  it("is created owner-only in a new owner-only directory, and so are its WAL files", async () => {
    const file = path.join(root, "data", "herald.db");
    const { db, client } = openDb({ url: `file:${file}` });
    await migrateDb(db);
    client.close();
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(`${file}-shm`)).toBe(0o600);
  });

  it("of an existing install is tightened when opened (its directory is the data directory's business)", async () => {
    const file = path.join(root, "herald.db");
    for (const f of [file, `${file}-wal`, `${file}-shm`]) writeFileSync(f, "", { mode: 0o644 });
    const { client } = openDb({ url: `file:${file}` });
    client.close();
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    expect(mode(root)).toBe(0o755);
  });
});

describe("the saved snapshots", () => {
  it("are written owner-only, and an older world-readable file is tightened when loaded", async () => {
    const file = path.join(root, "data", "snapshots.json");
    const store = new SnapshotStore({ file, buildId: "b" });
    store.set(await makeSnapshot("/", 1, 200, "text/html", Buffer.from("<p>ok</p>")));
    store.save();
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);

    chmodSync(file, 0o644);
    expect(new SnapshotStore({ file, buildId: "b" }).load()).toBe(1);
    expect(mode(file)).toBe(0o600);
  });
});

describe("makePrivateDir", () => {
  it("creates missing directories 0700 and tightens an existing one", () => {
    const dir = path.join(root, "a", "b");
    makePrivateDir(dir);
    expect([mode(path.join(root, "a")), mode(dir)]).toEqual([0o700, 0o700]);
    const old = path.join(root, "old");
    mkdirSync(old, { mode: 0o755 });
    makePrivateDir(old);
    expect(mode(old)).toBe(0o700);
  });
});
