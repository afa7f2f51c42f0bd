import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc } from "drizzle-orm";
import { openDb } from "@/db/client";
import { component, incident, notification } from "@/db/schema";
import { parseExportText } from "@/lib/portability/file";
import { startReplay, type Replay } from "./replay-server";
import { scriptArgs } from "../helpers/scripts";

const root = path.resolve(import.meta.dirname, "../..");

/** The real CLI in a subprocess with its own data directory; the fetch may reach the local replay server. */
function herald(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `file:${path.join(dataDir, "herald.db")}`,
    HERALD_DATA_DIR: dataDir,
    NODE_ENV: "test",
    HERALD_WEBHOOK_ALLOW_HTTP: "1",
    HERALD_WEBHOOK_ALLOW_PRIVATE: "1",
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...scriptArgs("scripts/herald.ts"), ...args],
      { cwd: root, env, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("herald import / export on the command line", { timeout: 120_000 }, () => {
  let replay: Replay;
  const dirs: string[] = [];
  const workspace = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "herald-import-cli-"));
    dirs.push(dir);
    return dir;
  };
  beforeAll(async () => {
    replay = await startReplay();
  });
  afterAll(async () => {
    await replay.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("imports a Statuspage page, exports it, and restores the export into a fresh install", async () => {
    const a = workspace();
    // Three runs of the real CLI (each costs seconds of start-up): the plan and dry runs are tested in lib.
    const run = await herald(a, "import", "statuspage", "--url", replay.url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Imported "Acmé Cloud ☁️"');
    expect(run.stdout).toContain("components: 4 new, 0 updated, 0 unchanged");
    expect(run.stdout).toContain("incidents: 3 new");
    expect(run.stdout).toContain("No email is sent");

    const file = path.join(a, "page.json");
    const out = await herald(a, "export", "--output", file);
    expect(out.code, out.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // What `npm run herald -- export > page.json` writes: npm's banner, then the JSON.
    writeFileSync(file, `\n> herald@0.1.0 herald\n> tsx scripts/herald.ts export\n\n${readFileSync(file, "utf8")}`);

    const b = workspace();
    const restored = await herald(b, "import", "herald", file);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain("page: were replaced");

    const dbA = openDb({ url: `file:${path.join(a, "herald.db")}` });
    const dbB = openDb({ url: `file:${path.join(b, "herald.db")}` });
    try {
      for (const table of [component, incident]) {
        const rows = async (db: typeof dbA.db) => db.select().from(table).orderBy(asc(table.id));
        expect(await rows(dbB.db)).toEqual(await rows(dbA.db));
      }
      expect(await dbB.db.$count(notification)).toBe(0);
      expect(parseExportText(readFileSync(file, "utf8"))).toMatchObject({ format: "herald-export", version: 1 });
    } finally {
      dbA.client.close();
      dbB.client.close();
    }
  });
});
