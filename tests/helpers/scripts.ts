import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
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
/** Which bundle file is each script's entry (the file names carry a hash of their content). */
const manifest = path.join(dir, "bundles.json");
/** Files of earlier runs stay this long: a process started from one may still import its chunks. */
const KEEP_OLD_MS = 3_600_000;

/**
 * Bundles the entry scripts with esbuild (our own code inlined, packages left as imports), once per
 * run (tests/global-setup.ts). `node --import tsx` resolves and transpiles every module, the
 * packages' too, through loader hooks on each spawn: seconds per server start on this machine.
 * Each file keeps its own `import.meta.url`/`dirname`/`filename` (db/migrate.ts finds its
 * migrations through it). A dynamic `import()` becomes a chunk of its own with its own package imports, so
 * a CLI command loads only what it uses. Every output is named by its content, so a run never overwrites a
 * file another run's process may read; the manifest naming the entries is written aside, then renamed.
 */
export async function bundleScripts(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `.build-${process.pid}`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [...SCRIPTS],
    outdir: out,
    outExtension: { ".js": ".mjs" },
    entryNames: "[name]-[hash]",
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
  const entries: Record<string, string> = {};
  const outputs = Object.entries(result.metafile.outputs).map(([file, meta]) => {
    if ((SCRIPTS as readonly string[]).includes(meta.entryPoint ?? "")) entries[meta.entryPoint!] = path.basename(file);
    return path.basename(file);
  });
  // Chunks before the manifest that names the entries importing them.
  for (const file of outputs) renameSync(path.join(out, file), path.join(dir, file));
  writeFileSync(`${manifest}.${process.pid}`, JSON.stringify(entries));
  renameSync(`${manifest}.${process.pid}`, manifest);
  rmSync(out, { recursive: true, force: true });
  const current = new Set(outputs);
  for (const file of readdirSync(dir)) {
    if (!file.endsWith(".mjs") || current.has(file)) continue;
    const old = path.join(dir, file);
    if (Date.now() - statSync(old).mtimeMs > KEEP_OLD_MS) rmSync(old, { force: true });
  }
}

function bundleOf(script: Script): string | undefined {
  if (!existsSync(manifest)) return undefined;
  const file = (JSON.parse(readFileSync(manifest, "utf8")) as Record<string, string>)[script];
  return file && path.join(dir, file);
}

/**
 * Node's arguments for running `script`: its bundle, or `--import tsx` when asked (`viaTsx`: what
 * `npm start` and `npm run herald` run) or when no run bundled it (a test started without the global setup).
 */
export function scriptArgs(script: Script, opts: { viaTsx?: boolean } = {}): string[] {
  const bundle = opts.viaTsx ? undefined : bundleOf(script);
  return bundle ? [bundle] : ["--import", "tsx", script];
}
