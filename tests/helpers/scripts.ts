import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * The entry scripts tests run in a subprocess: the server (`npm start`, which forks the bundle of next-server.ts
 * beside its own), the worker and the CLI.
 */
export const SCRIPTS = [
  "scripts/start.ts",
  "scripts/next-server.ts",
  "scripts/worker.ts",
  "scripts/herald.ts",
] as const;
export type Script = (typeof SCRIPTS)[number];

// Inside node_modules so the bundles' package imports resolve from the project's node_modules.
const dir = path.join(root, "node_modules/.cache/herald-tests");
// scripts/start.ts forks the next-server bundle beside its own: entries keep fixed names.
const bundleOf = (script: Script) => path.join(dir, `${path.basename(script, ".ts")}.mjs`);
/** Files of earlier runs stay this long: a process started from an older entry may still import their chunks. */
const KEEP_OLD_MS = 3_600_000;

/**
 * Bundles the entry scripts with esbuild (our own code inlined, packages left as imports), once per
 * run (tests/global-setup.ts). `node --import tsx` resolves and transpiles every module, the
 * packages' too, through loader hooks on each spawn: seconds per server start on this machine.
 * Each file keeps its own `import.meta.url`/`dirname`/`filename` (db/migrate.ts finds its
 * migrations through it). A dynamic `import()` becomes a chunk of its own with its own package imports, so
 * a CLI command loads only what it uses. Written aside, then renamed, chunks (named by their content) before
 * the entries that import them: a run starting a server meanwhile reads whole files of one run.
 */
export async function bundleScripts(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `.build-${process.pid}`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [...SCRIPTS],
    outdir: out,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunk-[hash]",
    splitting: true,
    metafile: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    jsx: "automatic",
    logLevel: "error",
    plugins: [
      {
        name: "own-import-meta",
        setup(b) {
          b.onLoad({ filter: /\.tsx?$/ }, (args) => {
            const source = readFileSync(args.path, "utf8");
            if (!source.includes("import.meta")) return undefined;
            return {
              loader: args.path.endsWith(".tsx") ? "tsx" : "ts",
              contents: source
                .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
                .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
                .replaceAll("import.meta.filename", JSON.stringify(args.path)),
            };
          });
        },
      },
    ],
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const entries = SCRIPTS.map((script) => path.basename(bundleOf(script)));
  for (const file of [...outputs.filter((f) => !entries.includes(f)), ...entries])
    renameSync(path.join(out, file), path.join(dir, file));
  rmSync(out, { recursive: true, force: true });
  const current = new Set(outputs);
  for (const file of readdirSync(dir)) {
    const old = path.join(dir, file);
    const mtime = statSync(old, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (!current.has(file) && Date.now() - mtime > KEEP_OLD_MS) rmSync(old, { recursive: true, force: true });
  }
}

/**
 * Node's arguments for running `script`: its bundle, or `--import tsx` when asked (`viaTsx`: what
 * `npm start` and `npm run herald` run) or when no run bundled it (a test started without the global setup).
 */
export function scriptArgs(script: Script, opts: { viaTsx?: boolean } = {}): string[] {
  if (!opts.viaTsx && existsSync(bundleOf(script))) return [bundleOf(script)];
  return ["--import", "tsx", script];
}
