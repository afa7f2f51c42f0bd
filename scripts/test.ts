// `npm test` (also `npm run validate`): lint, type-check, build once, then every vitest and Playwright test.
// Ends with the line CI reads: "N passed, N failed".
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { relative } from "node:path";
import { stripVTControlCharacters } from "node:util";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const bin = (name: string) => `node_modules/.bin/${name}`;

interface Run {
  status: number;
  /** The output of a quiet run (printed as one block when it ends, so parallel steps do not interleave). */
  output: string;
}

/**
 * Runs a command; its output goes straight through unless `quiet`. `onLine` sees each line of standard output
 * (the build says when it has written the route types the type-check reads).
 */
function run(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; quiet?: boolean; onLine?: (line: string) => void } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env: { ...env, ...opts.env },
      stdio: opts.quiet || opts.onLine ? ["ignore", "pipe", "pipe"] : "inherit",
    });
    let output = "";
    let partial = "";
    child.stdout?.on("data", (d: Buffer) => {
      if (opts.quiet) output += d;
      else process.stdout.write(d);
      if (!opts.onLine) return;
      const lines = (partial + d).split("\n");
      partial = lines.pop()!;
      for (const line of lines) opts.onLine(line);
    });
    child.stderr?.on("data", (d: Buffer) => {
      if (opts.quiet) output += d;
      else process.stderr.write(d);
    });
    child.on("error", (err) => resolve({ status: 1, output: `${output}${err}\n` }));
    child.on("close", (code) => resolve({ status: code ?? 1, output }));
  });
}

let passed = 0;
let failed = 0;
const steps: string[] = [];
const since = (start: number) => `${((Date.now() - start) / 1000).toFixed(0)} s`;

function step(name: string, ok: boolean, start: number) {
  steps.push(`${ok ? "ok  " : "FAIL"} ${name} (${since(start)})`);
  if (ok) passed++;
  else failed++;
}

/** A quiet step: its output is printed in one block once it is done. */
async function quietStep(name: string, commands: [string, string[]][]): Promise<void> {
  const start = Date.now();
  let ok = true;
  for (const [cmd, args] of commands) {
    const r = await run(cmd, args, { quiet: true });
    process.stdout.write(`\n── ${name}: ${cmd} ${args.join(" ")}\n${r.output}`);
    if (r.status !== 0) {
      ok = false;
      break;
    }
  }
  step(name, ok, start);
}

// Lint and type-check run beside the build: they read only the sources. The one thing tsc needs from Next is the
// route types (.next/types); the build deletes .next when it starts and writes them before it compiles, so tsc
// starts once the build says it is compiling. A build that stops earlier leaves them to `next typegen`.
const buildStart = Date.now();
let typecheck: Promise<void> | undefined;
const startTypecheck = (withTypegen: boolean) =>
  (typecheck ??= quietStep("typecheck", [
    ...(withTypegen ? [[bin("next"), ["typegen"]] as [string, string[]]] : []),
    [bin("tsc"), ["--noEmit"]],
  ]));
const lint = quietStep("lint", [["npm", ["run", "--silent", "lint"]]]);
const build = run(bin("next"), ["build"], {
  env: { NODE_ENV: "production" },
  onLine: (line) => {
    if (line.includes("Creating an optimized production build")) startTypecheck(false);
  },
});
const built = (await build).status === 0;
step("next build", built, buildStart);
await Promise.all([lint, startTypecheck(true)]);

// Vitest, then Playwright. Run at once (2 Dec 2026, vitest at nice 5 beside Playwright, on a quiet two-core machine)
// they took longer than one after the other: Playwright 11.3 min instead of 9, and vitest, starved meanwhile, past
// the 15-minute budget. Playwright still starts each spec file's server ahead (tests/helpers/server-pool.ts).
async function suite(name: "vitest" | "playwright", file: string, cmd: string, args: string[]): Promise<void> {
  const start = Date.now();
  rmSync(file, { force: true });
  const { status } = await run(cmd, args, { env: { HERALD_SKIP_BUILD: "1", CI: "1" } });
  if (!existsSync(file)) {
    step(`${name} (no report)`, false, start);
    return;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  const p = name === "vitest" ? report.numPassedTests : report.stats.expected + report.stats.flaky;
  const f = name === "vitest" ? report.numFailedTests : report.stats.unexpected;
  passed += p;
  failed += f;
  steps.push(`${f === 0 && status === 0 ? "ok  " : "FAIL"} ${name} (${p} passed / ${f} failed, ${since(start)})`);
  for (const failure of name === "vitest" ? vitestFailures(report) : playwrightFailures(report)) {
    steps.push(`       ✗ ${failure}`);
  }
  if (status !== 0 && f === 0) step(`${name} exited ${status}`, false, start);
}

/** The first line of a failure's message: enough to tell, at the end of a long log, which test failed and how. */
const firstLine = (message: string | undefined) =>
  stripVTControlCharacters(message ?? "")
    .split("\n")
    .find((l) => l.trim()) ?? "";

interface VitestReport {
  testResults: { name: string; message?: string; assertionResults: VitestAssertion[] }[];
}
interface VitestAssertion {
  status: string;
  fullName: string;
  failureMessages: string[];
}

/** Failed tests, and test files that failed outside any test (a syntax error, a hook that threw). */
function vitestFailures(report: VitestReport): string[] {
  return report.testResults.flatMap((file) => {
    const where = relative(process.cwd(), file.name);
    const failed = file.assertionResults
      .filter((a) => a.status === "failed")
      .map((a) => `${where} › ${a.fullName}: ${firstLine(a.failureMessages[0])}`);
    return failed.length === 0 && file.message ? [`${where}: ${firstLine(file.message)}`] : failed;
  });
}

interface PlaywrightSuite {
  suites?: PlaywrightSuite[];
  specs?: {
    title: string;
    file: string;
    line: number;
    tests: { projectName: string; status: string; results: { error?: { message?: string } }[] }[];
  }[];
}

function playwrightFailures(report: { suites: PlaywrightSuite[]; errors?: { message?: string }[] }): string[] {
  const walk = (suite: PlaywrightSuite): string[] => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests
        .filter((t) => t.status === "unexpected")
        .map((t) => {
          const error = t.results.at(-1)?.error?.message;
          return `[${t.projectName}] e2e/${spec.file}:${spec.line} › ${spec.title}: ${firstLine(error)}`;
        }),
    ),
    ...(suite.suites ?? []).flatMap(walk),
  ];
  return [...report.suites.flatMap(walk), ...(report.errors ?? []).map((e) => firstLine(e.message))];
}

if (built) {
  await suite("vitest", ".vitest.json", bin("vitest"), [
    "run",
    "--reporter=default",
    "--reporter=json",
    "--outputFile=.vitest.json",
  ]);
  await suite("playwright", ".playwright.json", bin("playwright"), ["test"]);
}

console.log(`\n${steps.join("\n")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
