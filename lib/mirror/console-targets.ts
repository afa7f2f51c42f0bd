// Mirror targets set in the console (Settings → Static mirror), beside the
// environment's: add, edit, remove, "Push now". Admins only, audited. The
// credentials are write-only: sealed on the way in (targets/from-config.ts),
// never returned, and the audit row says only whether they were set or replaced.
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { type MirrorTargetConfig, mirrorTarget, mirrorTargetConfig } from "@/db/schema";
import { audit } from "../audit";
import { type Ctx, parseInput, requireRole } from "../context";
import { NotFoundError, ValidationError } from "../errors";
import { newId } from "../ids";
import { checkTargetUrl, NetError } from "../net/fetch";
import { queuePushNow } from "./queue";
import {
  type ConsoleTargetEnv,
  configLabel,
  directoryInRoot,
  openCredentials,
  sealCredentials,
  type TargetCredentials,
} from "./targets/from-config";
import { parseGitRemote } from "./targets/git";

const opt = (max: number) =>
  z
    .string()
    .max(max, `At most ${max} characters`)
    .optional()
    .transform((v) => v?.trim() || undefined);

// Git's own ref-name rules, simplified to what a Pages branch needs.
const Branch = z
  .string()
  .trim()
  .min(1, "Give a branch")
  .max(100, "At most 100 characters")
  .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]+(?<![./])$/, "Letters, digits, “.”, “_”, “-” and “/” only");

const DirectoryInput = z.object({ kind: z.literal("directory"), path: z.string().trim().min(1).max(500) });

const GitInput = z.object({
  kind: z.literal("git"),
  url: z.string().trim().min(1, "Give the remote's URL").max(500, "At most 500 characters"),
  branch: Branch,
  auth: z.enum(["none", "token", "ssh"], { message: "Choose how Herald signs in" }),
  username: opt(100).pipe(
    z
      .string()
      .regex(/^[^:\s]+$/, "No spaces or colons")
      .optional(),
  ),
  token: opt(2000),
  sshKey: z
    .string()
    .max(16_000, "At most 16 000 characters")
    .optional()
    .transform((v) => v?.trim() || undefined)
    .pipe(
      z
        .string()
        .regex(/^-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----$/, "Paste a private key")
        .optional(),
    ),
});

const S3Input = z.object({
  kind: z.literal("s3"),
  endpoint: opt(500),
  bucket: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "3 to 63 lower-case letters, digits, “.” and “-”"),
  region: opt(50).pipe(
    z
      .string()
      .regex(/^[a-z0-9-]+$/, "Like us-east-1 or auto")
      .optional(),
  ),
  prefix: opt(200).pipe(
    z
      .string()
      .regex(/^(?!.*\.\.)[A-Za-z0-9._/-]+$/, "Letters, digits, “.”, “_”, “-” and “/” only")
      .optional(),
  ),
  accessKeyId: opt(200),
  secretAccessKey: opt(200),
});

export const MirrorTargetInput = z.discriminatedUnion("kind", [DirectoryInput, GitInput, S3Input], {
  message: "Choose a directory, a git branch or an S3 bucket",
});
export type MirrorTargetInput = z.input<typeof MirrorTargetInput>;

type Parsed = z.infer<typeof MirrorTargetInput>;

const invalid = (field: string, message: string) => new ValidationError(message, { [field]: [message] });

/** Settings and credentials from the input, checked against the rules; `kept` fills blank credentials on an edit. */
async function settingsOf(
  db: Tx,
  env: ConsoleTargetEnv,
  data: Parsed,
  kept: TargetCredentials,
  id: string | null,
): Promise<{ settings: Record<string, string>; credentials: TargetCredentials }> {
  if (data.kind === "directory") {
    if (!env.dirRoot)
      throw invalid(
        "path",
        "Directory targets from the console need HERALD_MIRROR_DIR_ROOT in the environment " +
          "(the folder they must be in).",
      );
    const abs = directoryInRoot(env.dirRoot, data.path);
    if (!abs) throw invalid("path", `Give a folder inside ${env.dirRoot}`);
    const others = await db.select().from(mirrorTargetConfig).where(eq(mirrorTargetConfig.kind, "directory"));
    if (others.some((o) => o.id !== id && o.settings.path === abs))
      throw invalid("path", "Another target already writes to this folder");
    return { settings: { path: abs }, credentials: {} };
  }
  if (data.kind === "git") {
    const remote = parseGitRemote(data.url);
    if (remote.protocol === "other")
      throw invalid("url", "Use an https:// URL or an ssh remote (ssh://… or git@host:owner/repo.git)");
    if (remote.protocol === "ssh" && data.auth === "token")
      throw invalid("auth", "A token signs in over https; use an ssh key for an ssh remote");
    if (remote.protocol !== "ssh" && data.auth === "ssh")
      throw invalid("auth", "An ssh key signs in over ssh; use a token for an https remote");
    try {
      if (remote.protocol === "ssh") {
        if (!/^[A-Za-z0-9.:[\]-]+$/.test(remote.host)) throw new NetError("bad_url", "not a valid host");
        checkTargetUrl(`https://${remote.host.includes(":") ? `[${remote.host}]` : remote.host}/`, env.policy);
      } else checkTargetUrl(data.url, env.policy);
    } catch (err) {
      if (err instanceof NetError) throw invalid("url", `This remote is refused: ${err.message}`);
      throw err;
    }
    const credentials: TargetCredentials =
      data.auth === "token"
        ? { token: data.token ?? kept.token }
        : data.auth === "ssh"
          ? { privateKey: data.sshKey ?? kept.privateKey }
          : {};
    if (data.auth === "token" && !credentials.token) throw invalid("token", "Give the access token");
    if (data.auth === "ssh" && !credentials.privateKey) throw invalid("sshKey", "Paste the deploy key");
    const settings: Record<string, string> = { url: data.url, branch: data.branch, auth: data.auth };
    if (data.auth === "token" && data.username) settings.username = data.username;
    return { settings, credentials };
  }
  if (data.endpoint)
    try {
      checkTargetUrl(data.endpoint, env.policy);
    } catch (err) {
      if (err instanceof NetError) throw invalid("endpoint", `This endpoint is refused: ${err.message}`);
      throw err;
    }
  const credentials: TargetCredentials = {
    accessKeyId: data.accessKeyId ?? kept.accessKeyId,
    secretAccessKey: data.secretAccessKey ?? kept.secretAccessKey,
  };
  if (!credentials.accessKeyId) throw invalid("accessKeyId", "Give the access key id");
  if (!credentials.secretAccessKey) throw invalid("secretAccessKey", "Give the secret access key");
  const settings: Record<string, string> = { bucket: data.bucket, region: data.region ?? "auto" };
  if (data.endpoint) settings.endpoint = data.endpoint;
  if (data.prefix) settings.prefix = data.prefix.replace(/^\/+/, "").replace(/\/*$/, "/");
  return { settings, credentials };
}

/** What the audit log keeps of a target: where it points, never its credentials. */
const audited = (kind: string, settings: Record<string, string>) => ({ kind, ...settings });

export async function addMirrorTarget(ctx: Ctx, env: ConsoleTargetEnv, input: unknown): Promise<{ id: string }> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(MirrorTargetInput, input);
  return ctx.db.transaction(async (tx) => {
    const { settings, credentials } = await settingsOf(tx, env, data, {}, null);
    const id = newId();
    const now = ctx.now();
    await tx.insert(mirrorTargetConfig).values({
      id,
      kind: data.kind,
      settings,
      credentialsEnc: sealCredentials(env.secret, credentials),
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(mirrorTarget).values({
      id,
      kind: data.kind,
      label: configLabel(data.kind, settings),
      pushRequested: true,
      createdAt: now,
      updatedAt: now,
    });
    await queuePushNow(tx, now);
    await audit(tx, ctx, {
      pageId: null,
      action: "mirror.target.add",
      entityType: "mirror_target",
      entityId: id,
      after: {
        ...audited(data.kind, settings),
        credentials: Object.values(credentials).some(Boolean) ? "set" : "none",
      },
    });
    return { id };
  });
}

async function configOrThrow(tx: Tx, id: unknown): Promise<MirrorTargetConfig> {
  const row =
    typeof id === "string"
      ? await tx.select().from(mirrorTargetConfig).where(eq(mirrorTargetConfig.id, id)).get()
      : undefined;
  if (!row) throw new NotFoundError("Mirror target");
  return row;
}

/** Blank credential fields keep the stored ones; pointing elsewhere starts the target over (a full push). */
export async function updateMirrorTarget(ctx: Ctx, env: ConsoleTargetEnv, id: unknown, input: unknown): Promise<void> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(MirrorTargetInput, input);
  await ctx.db.transaction(async (tx) => {
    const row = await configOrThrow(tx, id);
    if (row.kind !== data.kind) throw invalid("kind", "A target's kind cannot change: add a new target instead");
    const kept = openCredentials(env.secret, row.credentialsEnc);
    const { settings, credentials } = await settingsOf(tx, env, data, kept, row.id);
    const same = (a: TargetCredentials, b: TargetCredentials) =>
      JSON.stringify(
        Object.entries(a)
          .filter(([, v]) => v)
          .sort(),
      ) ===
      JSON.stringify(
        Object.entries(b)
          .filter(([, v]) => v)
          .sort(),
      );
    const replaced = !same(credentials, kept);
    const now = ctx.now();
    await tx
      .update(mirrorTargetConfig)
      .set({
        settings,
        credentialsEnc: replaced ? sealCredentials(env.secret, credentials) : row.credentialsEnc,
        updatedAt: now,
      })
      .where(eq(mirrorTargetConfig.id, row.id));
    const moved = JSON.stringify(settings) !== JSON.stringify(row.settings);
    await tx
      .update(mirrorTarget)
      .set({
        label: configLabel(row.kind, settings),
        pushRequested: true,
        ...(moved
          ? { manifest: {}, pushedVersion: null, pushedAt: null, remoteHead: null, lastError: null, lastErrorAt: null }
          : {}),
        updatedAt: now,
      })
      .where(eq(mirrorTarget.id, row.id));
    await queuePushNow(tx, now);
    await audit(tx, ctx, {
      pageId: null,
      action: "mirror.target.update",
      entityType: "mirror_target",
      entityId: row.id,
      before: audited(row.kind, row.settings),
      after: { ...audited(row.kind, settings), credentials: replaced ? "replaced" : "unchanged" },
    });
  });
}

/** Stops pushing there. What the target holds stays (Herald does not empty a bucket or a branch). */
export async function removeMirrorTarget(ctx: Ctx, id: unknown): Promise<void> {
  requireRole(ctx.actor, "admin");
  await ctx.db.transaction(async (tx) => {
    const row = await configOrThrow(tx, id);
    await tx.delete(mirrorTargetConfig).where(eq(mirrorTargetConfig.id, row.id));
    await tx.delete(mirrorTarget).where(eq(mirrorTarget.id, row.id));
    await audit(tx, ctx, {
      pageId: null,
      action: "mirror.target.remove",
      entityType: "mirror_target",
      entityId: row.id,
      before: audited(row.kind, row.settings),
    });
  });
}

/**
 * "Push now" on one target (the environment's or the console's): the worker
 * pushes at once and compares with what the target really holds.
 */
export async function pushMirrorTargetNow(ctx: Ctx, id: unknown, configuredIds: readonly string[]): Promise<void> {
  requireRole(ctx.actor, "admin");
  if (typeof id !== "string" || !configuredIds.includes(id)) throw new NotFoundError("Mirror target");
  await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const done = await tx
      .update(mirrorTarget)
      .set({ pushRequested: true, updatedAt: now })
      .where(eq(mirrorTarget.id, id))
      .returning({ id: mirrorTarget.id });
    // An environment target the worker has not registered yet: it is pushed on its first pass anyway.
    if (!done.length) throw new NotFoundError("Mirror target");
    await queuePushNow(tx, now);
    await audit(tx, ctx, { pageId: null, action: "mirror.target.push", entityType: "mirror_target", entityId: id });
  });
}

/** The console's targets for the settings page: where they point and whether credentials are stored. */
export async function listConsoleTargets(
  db: Tx,
): Promise<
  { id: string; kind: MirrorTargetConfig["kind"]; settings: Record<string, string>; hasCredentials: boolean }[]
> {
  const rows = await db.select().from(mirrorTargetConfig).orderBy(mirrorTargetConfig.createdAt);
  return rows.map((r) => ({ id: r.id, kind: r.kind, settings: r.settings, hasCredentials: r.credentialsEnc !== null }));
}
