import { ensureBuild } from "./helpers/build";
import { bundleScripts } from "./helpers/scripts";

// Route and journey tests run against the real production build; build it once per run.
// HERALD_NO_BUILD=1 is for runs that start no server (lib, db and CLI tests): no build needed.
// The scripts tests spawn (server, worker, CLI) are bundled every run (about a second).
export default async function setup() {
  await bundleScripts();
  if (process.env.HERALD_NO_BUILD === "1") return;
  ensureBuild();
}
