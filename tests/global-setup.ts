import { ensureBuild } from "./helpers/build";

// Route and journey tests run against the real production build; build it once per run.
export default async function setup() {
  ensureBuild();
}
