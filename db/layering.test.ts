import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The dependency direction is app → lib → db (DESIGN.md §1). db is the ground
// floor: the demo seed and the test helpers once lived here and called lib's
// use cases, so db depended on lib. lib runs in vitest without Next, so it
// imports nothing from the folders above it and nothing from next/*. lib's test
// files are exempt: a test may reach for anything it needs to build its data.
// db's are not: a db test that needs lib's use cases lives in tests/db/.

const ROOT = path.resolve(import.meta.dirname, "..");

/** Every TypeScript file under a top-level folder (test files only with `tests`), relative to the root. */
function sourceFiles(folder: string, { tests = false } = {}): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.tsx?$/.test(f) && (tests || !/\.test\.tsx?$/.test(f)) && !f.endsWith(".d.ts"))
    .map((f) => path.join(folder, f));
}

interface Import {
  file: string;
  specifier: string;
  /** The top-level folder a local import lands in ("db", "lib", …), or null for a package. */
  folder: string | null;
  /** The package a bare specifier names ("next", "@libsql/client"), or null for a local import. */
  pkg: string | null;
}

/**
 * Every module a file names: static imports and re-exports (type-only ones
 * too), dynamic import() and require(). TypeScript's own pre-processor reads
 * them, so comments and strings that merely look like imports are ignored.
 */
function importsOf(file: string): Import[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), "utf8"), true, true);
  return importedFiles.map(({ fileName: specifier }) => {
    const local = specifier.startsWith("@/")
      ? path.join(ROOT, specifier.slice(2))
      : specifier.startsWith(".")
        ? path.resolve(ROOT, path.dirname(file), specifier)
        : null;
    if (local === null) {
      const parts = specifier.split("/");
      return { file, specifier, folder: null, pkg: specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0] };
    }
    return { file, specifier, folder: path.relative(ROOT, local).split(path.sep)[0], pkg: null };
  });
}

const describeImport = (i: Import) => `${i.file} imports "${i.specifier}"`;

describe("layering: app → lib → db", () => {
  it("db imports nothing above it, its tests included: no lib, app, tests or scripts", () => {
    const imports = sourceFiles("db", { tests: true }).flatMap(importsOf);
    // The scanner must see db's own imports, or an empty list would pass for the wrong reason.
    expect(imports.map(describeImport)).toContain('db/client.ts imports "./schema"');
    expect(imports.filter((i) => i.folder !== null && i.folder !== "db").map(describeImport)).toEqual([]);
  });

  it("lib imports nothing from app, components, tests or scripts, and nothing from next", () => {
    const imports = sourceFiles("lib").flatMap(importsOf);
    expect(imports.some((i) => i.folder === "db")).toBe(true);
    const above = new Set(["app", "components", "tests", "scripts", "e2e", "bench"]);
    const wrong = imports.filter((i) => (i.folder !== null && above.has(i.folder)) || i.pkg === "next");
    expect(wrong.map(describeImport)).toEqual([]);
  });
});
