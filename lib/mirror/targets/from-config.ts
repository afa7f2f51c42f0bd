// Drivers for the targets added in the console (mirror_target_config). Unlike
// the environment's, which the operator wrote, these endpoints were typed by a
// console admin: S3 endpoints and git remotes obey the SSRF rules of lib/net
// (HERALD_WEBHOOK_ALLOW_HTTP / _PRIVATE), and directories must lie inside the
// operator's HERALD_MIRROR_DIR_ROOT.
import path from "node:path";
import type { MirrorTargetConfig } from "@/db/schema";
import { checkTargetUrl, guardedAgentLookup, type NetPolicy } from "../../net/fetch";
import { seal, unseal } from "../../subscribers/tokens";
import { directoryTarget } from "./directory";
import { gitTarget } from "./git";
import { s3Target } from "./s3";
import type { TargetDriver } from "./types";

/** What console targets need from the environment. */
export interface ConsoleTargetEnv {
  /** HERALD_SECRET: seals the credentials. */
  secret: string;
  policy: NetPolicy;
  /** HERALD_MIRROR_DIR_ROOT: where console directory targets may be; unset, none may. */
  dirRoot?: string;
  /** HERALD_DATA_DIR: git work trees live under it. */
  dataDir: string;
}

/** The secret half of a target, as sealed in credentials_enc. */
export interface TargetCredentials {
  token?: string;
  privateKey?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

export function sealCredentials(secret: string, c: TargetCredentials): string | null {
  const kept = Object.fromEntries(Object.entries(c).filter(([, v]) => v));
  return Object.keys(kept).length ? seal(secret, "mirror-credentials", JSON.stringify(kept)) : null;
}

export function openCredentials(secret: string, enc: string | null): TargetCredentials {
  return enc ? (JSON.parse(unseal(secret, "mirror-credentials", enc)) as TargetCredentials) : {};
}

/** A directory inside the root, or null when it is not (or there is no root). */
export function directoryInRoot(root: string | undefined, dir: string): string | null {
  if (!root) return null;
  const base = path.resolve(root);
  const abs = path.resolve(base, dir);
  return abs.startsWith(base + path.sep) ? abs : null;
}

/** Where a console target points, without credentials (the console's and the CLI's label). */
export function configLabel(kind: MirrorTargetConfig["kind"], s: Record<string, string>): string {
  if (kind === "directory") return s.path;
  if (kind === "git") return `${s.url} (${s.branch})`;
  return `s3://${s.bucket}/${s.prefix ?? ""}${s.endpoint ? ` at ${s.endpoint}` : ""}`;
}

/** A driver whose every push fails with `message` (a setting the rules no longer admit). */
function refused(row: MirrorTargetConfig, message: string): TargetDriver {
  const fail = async (): Promise<never> => {
    throw new Error(message);
  };
  return {
    id: row.id,
    kind: row.kind,
    label: configLabel(row.kind, row.settings),
    concurrency: 1,
    secrets: [],
    begin: fail,
    put: fail,
    remove: fail,
    finish: fail,
  };
}

export function driverOfConfig(row: MirrorTargetConfig, env: ConsoleTargetEnv): TargetDriver {
  const s = row.settings;
  const creds = openCredentials(env.secret, row.credentialsEnc);
  if (row.kind === "directory") {
    const abs = directoryInRoot(env.dirRoot, s.path);
    if (!abs) return refused(row, `${s.path} is not inside HERALD_MIRROR_DIR_ROOT: it is not written to.`);
    return directoryTarget(abs, row.id);
  }
  if (row.kind === "git")
    return gitTarget({
      id: row.id,
      url: s.url,
      branch: s.branch,
      workDir: path.join(env.dataDir, "mirror", `git-${row.id}`),
      auth:
        s.auth === "token" && creds.token
          ? { kind: "token", username: s.username || "x-access-token", token: creds.token }
          : s.auth === "ssh" && creds.privateKey
            ? { kind: "ssh", privateKey: creds.privateKey }
            : undefined,
      guard: { policy: env.policy },
    });
  return s3Target({
    id: row.id,
    bucket: s.bucket,
    prefix: s.prefix,
    region: s.region || "auto",
    endpoint: s.endpoint || undefined,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    guard: { check: (url) => void checkTargetUrl(url, env.policy), lookup: guardedAgentLookup(env.policy) },
  });
}

const cache = new Map<string, { updatedAt: number; driver: TargetDriver }>();

/** The console's targets as drivers; one per row and edit (the S3 client keeps its connections). */
export function driversOfConfigs(rows: readonly MirrorTargetConfig[], env: ConsoleTargetEnv): TargetDriver[] {
  const ids = new Set(rows.map((r) => r.id));
  for (const id of cache.keys()) if (!ids.has(id)) cache.delete(id);
  return rows.map((row) => {
    const hit = cache.get(row.id);
    if (hit && hit.updatedAt === row.updatedAt.getTime()) return hit.driver;
    const driver = driverOfConfig(row, env);
    cache.set(row.id, { updatedAt: row.updatedAt.getTime(), driver });
    return driver;
  });
}
