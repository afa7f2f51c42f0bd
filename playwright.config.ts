import { readdirSync } from "node:fs";
import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser (STACK.md). Each spec file starts
// its own Herald server on a fresh database (e2e/fixtures.ts).

// The longest spec files first (sums of their test times in a full CI run, 2 Dec 2026: 81 s down to 33 s; the
// accessibility spec since dropped from 110 s to about 40), so that the workers finish together instead of one
// running a long file alone at the end. Files not listed (shorter) follow in name order.
const LONGEST_FIRST = [
  "console",
  "console-subscribers",
  "practice",
  "comms-lead",
  "public",
  "practice-console",
  "account-security",
  "accessibility",
  "subscribe",
  "accounts",
];
const rank = (name: string) => (LONGEST_FIRST.includes(name) ? LONGEST_FIRST.indexOf(name) : LONGEST_FIRST.length);

export default defineConfig({
  testDir: "e2e",
  // The build, and under CI servers started ahead of the files that take them (tests/helpers/server-pool.ts).
  globalSetup: "./e2e/global-setup.ts",
  // Long journeys on a two-core machine running two spec files at once.
  timeout: 120_000,
  // Sign-in and setup hash passwords (scrypt, slow on purpose): a busy 2-core machine needs more than 5 s. npm test
  // runs vitest beside Playwright (scripts/test.ts): under that load (and a shared machine's) the first sign-in of a
  // file, with its route's first render, took over 15 s several times at the start of the run. A wait ends as soon
  // as its condition holds: a longer limit only lets a slow moment pass instead of failing the journey.
  expect: { timeout: 30_000 },
  // Two spec files at a time (each has its own server and database): most of a
  // journey is waiting, and CI must stay under 15 minutes on two cores. Three (tried 2 Dec 2026 at load 8-18,
  // four long files): 218 s and 292 s against 259 s with two, and each three-worker run failed the console
  // journey on a time limit (the first console page after setup > 15 s; later the whole 120 s test).
  workers: 2,
  // A project per spec file: workers are never shared between projects, so the
  // worker-scoped server fixture (e2e/fixtures.ts) gives every file a fresh database.
  projects: readdirSync("e2e")
    .filter((f) => f.endsWith(".spec.ts"))
    .sort()
    .map((f) => ({ name: f.replace(/\.spec\.ts$/, ""), testMatch: f }))
    .sort((a, b) => rank(a.name) - rank(b.name)),
  reporter: process.env.CI ? [["list"], ["json", { outputFile: ".playwright.json" }]] : [["list"]],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
});
