import { ensureBuild } from "./helpers/build";

// Route and journey tests run against the real production build; build it once per run.
// HERALD_NO_BUILD=1 is for runs that start no server (lib, db and CLI tests): no build needed.
export default async function setup() {
  if (process.env.HERALD_NO_BUILD === "1") return;
  ensureBuild();
}
