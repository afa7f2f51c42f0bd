import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "../../lib/context";
import { createIncident } from "../../lib/incidents/incidents";
import { fixedPaths } from "../../lib/snapshots/routes";
import { startServer, type RunningServer } from "../helpers/server";
import { eventually, until } from "../helpers/wait";
import { V8_FLAGS } from "../../scripts/v8-flags";

// The warm-up after start (HERALD_WARMUP_ROUNDS) and the keep-warm (HERALD_KEEP_WARM_SECONDS), lib/snapshots/server.ts:
// the real server renders every fixed public path again through Next, stores none of it, and publishes as before.
// Their effect on the first publish's render is measured by bench/public.ts, as is that of the V8 flags both processes
// run with (scripts/v8-flags.ts), checked below.

/** How many renders of a path were stored (each is logged once). */
function stored(server: RunningServer, path: string): number {
  return server
    .output()
    .split("\n")
    .filter((l) => l.includes(`snapshot render ${path} v`) && l.includes("stored")).length;
}

/** Only the first warm set was stored; a publish then goes out as usual. */
async function expectOnlyTheWarmSetStoredThenPublish(server: RunningServer, name: string): Promise<void> {
  for (const path of fixedPaths()) expect(stored(server, path), path).toBe(1);
  await createIncident(
    { db: server.db, now: () => new Date(), actor: CLI_ACTOR },
    { name, body: "Looking into it", notify: false },
  );
  await eventually("the publish on /", async () =>
    expect(await (await fetch(`${server.url}/`)).text()).toContain(name),
  );
  expect(stored(server, "/")).toBe(2);
}

/** A running process's command line (Linux). */
const argvOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");

describe("the warm-up after start and the keep-warm", () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("renders the public set the given number of times more, stores none of it, then publishes as usual", async () => {
    server = await startServer({ env: { HERALD_WARMUP_ROUNDS: "2" } });
    const running = server;
    const done = await until("the warm-up", () => /\[herald\] warmed up: (\d+) renders/.exec(running.output())?.[1]);
    expect(Number(done)).toBe(2 * fixedPaths().length);
    expect((await fetch(`${server.url}/`)).headers.get("x-herald-snapshot")).toBe("HIT");
    expect(server.output()).not.toContain("ERROR");
    await expectOnlyTheWarmSetStoredThenPublish(server, "After the warm-up");
  });

  it("renders the public set again after a quiet second, stores none of it; a publish goes out", async () => {
    server = await startServer({ env: { HERALD_WARMUP_ROUNDS: "0", HERALD_KEEP_WARM_SECONDS: "1" } });
    const running = server;
    const done = await until(
      "a keep-warm round",
      () => /\[herald\] kept warm: (\d+) renders/.exec(running.output())?.[1],
    );
    expect(Number(done)).toBe(fixedPaths().length);
    expect(server.output()).not.toContain("ERROR");
    await expectOnlyTheWarmSetStoredThenPublish(server, "While kept warm");
  });

  it("warms up again, with the same V8 flags, when the application process starts again after a crash", async () => {
    server = await startServer({ env: { HERALD_WARMUP_ROUNDS: "1" } });
    const running = server;
    const warmUps = () => [...running.output().matchAll(/\[herald\] warmed up: (\d+) renders/g)].map((m) => m[1]);
    const appPids = () =>
      [...running.output().matchAll(/application process \(pid (\d+)\) listening/g)].map((m) => Number(m[1]));
    await until("the warm-up", () => warmUps()[0]);
    expect(argvOf(appPids()[0])).toEqual(expect.arrayContaining([...V8_FLAGS]));
    process.kill(appPids()[0], "SIGKILL");
    await until("the second warm-up", () => warmUps()[1]);
    expect(argvOf(appPids()[1])).toEqual(expect.arrayContaining([...V8_FLAGS]));
    expect(warmUps()).toEqual([String(fixedPaths().length), String(fixedPaths().length)]);
    const errors = server
      .output()
      .split("\n")
      .filter((l) => l.includes("ERROR"));
    expect(errors).toEqual([expect.stringContaining("the application process exited (signal SIGKILL)")]);
    await expectOnlyTheWarmSetStoredThenPublish(server, "After the restart");
  });
});

describe("V8 flags", () => {
  it("npm start runs the edge with the flags its application process is forked with", () => {
    const start: string = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).scripts
      .start;
    expect(start.split(" ")).toEqual(["tsx", ...V8_FLAGS, "scripts/start.ts"]);
  });
});
