import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/** Builds Next once unless HERALD_SKIP_BUILD=1 and a build exists (scripts/test.ts builds first). */
export function ensureBuild(): void {
  if (
    process.env.HERALD_SKIP_BUILD === "1" &&
    existsSync(path.join(root, process.env.HERALD_DIST_DIR || ".next", "BUILD_ID"))
  )
    return;
  const result = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("next build failed");
  process.env.HERALD_SKIP_BUILD = "1";
}
