import type { FullConfig } from "@playwright/test";
import setup from "../tests/global-setup";
import { startServerPool } from "../tests/helpers/server-pool";

// The build and the script bundles (as for vitest), then, in `npm test` and CI (CI set), servers started ahead of
// the spec files (tests/helpers/server-pool.ts), as many ready as workers. The first file of each worker starts
// its own (none is ready yet), hence one per spec file but those. A run of a few files (CI unset) would mostly start
// servers it never uses.
export default async function globalSetup(config: FullConfig) {
  await setup();
  if (!process.env.CI || process.env.HERALD_SERVER_POOL === "0") return;
  return startServerPool({ ready: config.workers, total: Math.max(0, config.projects.length - config.workers) });
}
