// `npm test` (also `npm run validate`): lint, type-check, build once, then every vitest and Playwright test.
// Ends with the line CI reads: "N passed, N failed".
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const run = (cmd: string, args: string[], extraEnv: Record<string, string> = {}) =>
  spawnSync(cmd, args, { stdio: "inherit", env: { ...env, ...extraEnv } }).status ?? 1;
const bin = (name: string) => `node_modules/.bin/${name}`;

let passed = 0;
let failed = 0;
const steps: string[] = [];

function step(name: string, ok: boolean) {
  steps.push(`${ok ? "ok  " : "FAIL"} ${name}`);
  if (ok) passed++;
  else failed++;
}

step("lint", run("npm", ["run", "--silent", "lint"]) === 0);
step("typecheck", run(bin("next"), ["typegen"]) === 0 && run(bin("tsc"), ["--noEmit"]) === 0);
const built = run(bin("next"), ["build"], { NODE_ENV: "production" }) === 0;
step("next build", built);

for (const [name, file, cmd, args] of [
  [
    "vitest",
    ".vitest.json",
    bin("vitest"),
    ["run", "--reporter=default", "--reporter=json", "--outputFile=.vitest.json"],
  ],
  ["playwright", ".playwright.json", bin("playwright"), ["test"]],
] as const) {
  if (!built) break;
  rmSync(file, { force: true });
  const status = run(cmd, [...args], { HERALD_SKIP_BUILD: "1", CI: "1" });
  if (!existsSync(file)) {
    step(`${name} (no report)`, false);
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  const p = name === "vitest" ? report.numPassedTests : report.stats.expected + report.stats.flaky;
  const f = name === "vitest" ? report.numFailedTests : report.stats.unexpected;
  passed += p;
  failed += f;
  if (status !== 0 && f === 0) step(`${name} exited ${status}`, false);
}

console.log(`\n${steps.join("\n")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
