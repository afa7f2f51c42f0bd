// A local directory (for rsync, nginx, or a second machine's mount). Files are
// replaced atomically (temp file + rename): a reader never sees half a page.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TargetDriver } from "./types";

export function directoryTarget(root: string, id = "directory"): TargetDriver {
  const abs = path.resolve(root);
  const inside = (file: string) => {
    const p = path.resolve(abs, file);
    if (!p.startsWith(abs + path.sep)) throw new Error(`refusing a path outside the mirror directory: ${file}`);
    return p;
  };
  return {
    id,
    kind: "directory",
    label: abs,
    concurrency: 8,
    secrets: [],
    async begin({ full }) {
      mkdirSync(abs, { recursive: true });
      if (!full) return { listed: null };
      const listed = new Map<string, string>();
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.isFile())
            listed.set(
              path.relative(abs, p).split(path.sep).join("/"),
              createHash("sha256").update(readFileSync(p)).digest("hex"),
            );
        }
      };
      walk(abs);
      return { listed };
    },
    async put(file, body) {
      const p = inside(file);
      mkdirSync(path.dirname(p), { recursive: true });
      const tmp = `${p}.herald-tmp`;
      writeFileSync(tmp, body);
      renameSync(tmp, p);
    },
    async remove(files) {
      for (const file of files) {
        const p = inside(file);
        rmSync(p, { force: true });
        // Drop directories left empty (an incident's folder), never the root.
        for (let dir = path.dirname(p); dir !== abs && dir.startsWith(abs); dir = path.dirname(dir)) {
          try {
            rmdirSync(dir);
          } catch {
            break;
          }
        }
      }
    },
    async finish() {
      return { remoteHead: null };
    },
  };
}
