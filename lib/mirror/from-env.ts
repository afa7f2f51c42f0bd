// The mirror as configured by the environment (lib/env.ts): its targets and
// the worker step's dependencies. Credentials stay in these objects; labels
// and stored rows never carry them. The environment's targets are the
// operator's, trusted as written (a MinIO on 127.0.0.1 is fine); the SSRF
// rules apply to the targets typed into the console (targets/from-config.ts).
import path from "node:path";
import { env } from "../env";
import { netPolicyFromEnv } from "../net/fetch";
import type { MirrorDeps } from "./mirror";
import { httpSource } from "./site";
import { directoryTarget } from "./targets/directory";
import { gitTarget } from "./targets/git";
import type { ConsoleTargetEnv } from "./targets/from-config";
import { s3Target } from "./targets/s3";
import type { TargetDriver } from "./targets/types";

let cached: TargetDriver[] | undefined;

/** The configured targets, made once per process (the S3 client keeps its connections). */
export function mirrorTargetsFromEnv(): TargetDriver[] {
  if (cached) return cached;
  const e = env();
  const targets: TargetDriver[] = [];
  if (e.HERALD_MIRROR_DIR) targets.push(directoryTarget(e.HERALD_MIRROR_DIR));
  if (e.HERALD_MIRROR_GIT_URL)
    targets.push(
      gitTarget({
        url: e.HERALD_MIRROR_GIT_URL,
        branch: e.HERALD_MIRROR_GIT_BRANCH,
        workDir: path.join(e.HERALD_DATA_DIR, "mirror", "git"),
      }),
    );
  if (e.HERALD_MIRROR_S3_BUCKET)
    targets.push(
      s3Target({
        bucket: e.HERALD_MIRROR_S3_BUCKET,
        prefix: e.HERALD_MIRROR_S3_PREFIX,
        region: e.HERALD_MIRROR_S3_REGION,
        endpoint: e.HERALD_MIRROR_S3_ENDPOINT,
        accessKeyId: e.HERALD_MIRROR_S3_ACCESS_KEY_ID,
        secretAccessKey: e.HERALD_MIRROR_S3_SECRET_ACCESS_KEY,
      }),
    );
  cached = targets;
  return targets;
}

/** What the console's targets need: the sealing secret, the SSRF rules, the directory root. */
export function consoleTargetEnvFromEnv(): ConsoleTargetEnv {
  const e = env();
  return {
    secret: e.HERALD_SECRET,
    policy: netPolicyFromEnv(),
    dirRoot: e.HERALD_MIRROR_DIR_ROOT,
    dataDir: e.HERALD_DATA_DIR,
  };
}

export function mirrorDepsFromEnv(workerId: string, wakeIn: (ms: number) => void): MirrorDeps {
  const e = env();
  return {
    targets: mirrorTargetsFromEnv(),
    console: consoleTargetEnvFromEnv(),
    source: httpSource(e.HERALD_MIRROR_SOURCE_URL ?? `http://127.0.0.1:${e.PORT}`),
    cacheDir: path.join(e.HERALD_DATA_DIR, "mirror", "site"),
    fallbackUrl: e.HERALD_URL,
    workerId,
    leaseMs: e.HERALD_MIRROR_LEASE_MS,
    debounceMs: e.HERALD_MIRROR_DEBOUNCE_MS,
    maxDelayMs: e.HERALD_MIRROR_MAX_DELAY_MS,
    backoffBaseMs: e.HERALD_MIRROR_BACKOFF_MS,
    backoffMaxMs: 10 * 60_000,
    wakeIn,
    log: (line) => console.error(line),
  };
}
