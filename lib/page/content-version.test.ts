// The content version has one writer (bumpContentVersion) and one reader
// (getContentVersion), both in lib/page/page.ts. A second writer would be a
// place where a public change could forget to bump, or bump without the rest
// of its transaction: this test reads the source and finds any code outside
// page.ts (and the column's definition) that names the column.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const SCANNED = ["app", "components", "db", "lib", "scripts", "bench"];
const SKIPPED_DIRS = new Set(["node_modules", "migrations"]);
const OWNERS = new Set(["lib/page/page.ts", "db/schema.ts"]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!SKIPPED_DIRS.has(name) && !name.startsWith(".")) out.push(...sourceFiles(full));
    } else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !/\.(test|spec)\.[a-z]+$/.test(name)) {
      out.push(full);
    }
  }
  return out;
}

/** Lines of code naming the column, comments left out. */
function mentions(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .map((line) => line.replace(/\/\/.*$/, ""))
    .filter((line) => /contentVersion|content_version/.test(line));
}

describe("content version", () => {
  it("is read and bumped only in lib/page/page.ts", () => {
    const offenders = SCANNED.flatMap((d) => sourceFiles(path.join(ROOT, d)))
      .map((f) => path.relative(ROOT, f).split(path.sep).join("/"))
      .filter((f) => !OWNERS.has(f) && mentions(path.join(ROOT, f)).length > 0);
    expect(offenders).toEqual([]);
  });

  it(
    "has one writer in lib/page/page.ts: bumpContentVersion (and " + "the carry-over when a restore replaces the row)",
    () => {
      const writes = mentions(path.join(ROOT, "lib/page/page.ts")).filter((line) => /contentVersion\s*:/.test(line));
      expect(writes).toHaveLength(2);
      expect(writes[0]).toContain("sql`${page.contentVersion} + 1`");
      expect(writes[1]).toContain("contentVersion: p.contentVersion");
    },
  );
});
