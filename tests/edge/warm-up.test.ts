import { afterAll, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "../../lib/context";
import { createIncident } from "../../lib/incidents/incidents";
import { fixedPaths } from "../../lib/snapshots/routes";
import { startServer, type RunningServer } from "../helpers/server";
import { eventually, until } from "../helpers/wait";

// The warm-up after start (HERALD_WARMUP_ROUNDS, lib/snapshots/server.ts): the real server renders every fixed public
// path again through Next, stores none of it, and publishes as before. Its effect on the first publish's render is
// measured by bench/public.ts.

describe("the warm-up after start", () => {
  let server: RunningServer;
  afterAll(() => server?.stop());

  it("renders the public set the given number of times more, stores none of it, then publishes as usual", async () => {
    server = await startServer({ env: { HERALD_WARMUP_ROUNDS: "2" } });
    const done = await until("the warm-up", () => /\[herald\] warmed up: (\d+) renders/.exec(server.output())?.[1]);
    expect(Number(done)).toBe(2 * fixedPaths().length);
    expect(server.output()).not.toContain("ERROR");
    // Only the warm set's renders were stored (each logged once).
    const stored = (path: string) =>
      server
        .output()
        .split("\n")
        .filter((l) => l.includes(`snapshot render ${path} v`) && l.includes("stored")).length;
    for (const path of fixedPaths()) expect(stored(path), path).toBe(1);
    const home = await fetch(`${server.url}/`);
    expect(home.headers.get("x-herald-snapshot")).toBe("HIT");

    await createIncident(
      { db: server.db, now: () => new Date(), actor: CLI_ACTOR },
      { name: "After the warm-up", body: "Looking into it", notify: false },
    );
    await eventually("the publish on /", async () =>
      expect(await (await fetch(`${server.url}/`)).text()).toContain("After the warm-up"),
    );
    expect(stored("/")).toBe(2);
  });
});
