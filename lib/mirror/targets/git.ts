// A git branch for a Pages host (GitHub, GitLab, Codeberg), pushed with the
// system's git over https or ssh. A work tree under the data directory holds the
// branch; each push is one commit of what changed. The remote URL is passed on
// the command line for each fetch and push and is never written to the work
// tree's config or to an error message. A console target's token travels in
// git's environment (GIT_CONFIG_*: an http.extraHeader), never on a command
// line another user could read; its ssh key in an owner-only file that lives
// only while git runs.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { classifyAddress } from "../../net/address";
import { checkTargetUrl, type NetPolicy } from "../../net/fetch";
import { redact, type TargetDriver } from "./types";

const run = promisify(execFile);

export interface GitTargetOptions {
  url: string;
  branch: string;
  /** The work tree (under the data directory). */
  workDir: string;
  authorName?: string;
  authorEmail?: string;
  id?: string;
  /** A console target's credentials: an https token (sent as Basic auth) or an ssh private key. */
  auth?: { kind: "token"; username: string; token: string } | { kind: "ssh"; privateKey: string };
  /**
   * The SSRF rules for a remote someone typed into the console (lib/net): only
   * https (http if the policy allows) or ssh, and the host's addresses checked
   * before git runs; git then connects to the checked address only (https:
   * http.curloptResolve, ssh: HostName), so a name cannot rebind in between.
   */
  guard?: { policy: NetPolicy; resolve?: (host: string) => Promise<LookupAddress[]> };
}

export interface GitRemote {
  protocol: "https" | "http" | "ssh" | "other";
  host: string;
  port: number;
}

/** The parts of a remote the rules look at; "other" for a local path, file://, ext:: and the like. */
export function parseGitRemote(url: string): GitRemote {
  const scp = /^(?:[A-Za-z0-9._-]+@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?!\/\/)[^\s]+$/.exec(url);
  if (scp && !/^[A-Za-z]:/.test(url.slice(0, 2)) && !url.includes("::"))
    return { protocol: "ssh", host: scp[1].replace(/^\[|\]$/g, ""), port: 22 };
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, "");
    if (u.protocol === "https:") return { protocol: "https", host, port: Number(u.port || 443) };
    if (u.protocol === "http:") return { protocol: "http", host, port: Number(u.port || 80) };
    if (u.protocol === "ssh:") return { protocol: "ssh", host, port: Number(u.port || 22) };
  } catch {
    // Not a URL: a local path.
  }
  return { protocol: "other", host: "", port: 0 };
}

/**
 * Checks a console remote against the rules and returns the address git may
 * connect to. Throws with a message fit for the console.
 */
export async function checkGitRemote(
  url: string,
  guard: NonNullable<GitTargetOptions["guard"]>,
): Promise<{ remote: GitRemote; address: string }> {
  const remote = parseGitRemote(url);
  if (remote.protocol === "other" || !remote.host)
    throw new Error("the remote must be an https:// URL or an ssh remote (ssh://… or git@host:path)");
  if (remote.protocol !== "ssh") checkTargetUrl(url, guard.policy);
  else if (/^-/.test(remote.host)) throw new Error("not a valid ssh host");
  const found = isIP(remote.host)
    ? [{ address: remote.host, family: isIP(remote.host) }]
    : await (guard.resolve ?? ((h: string) => lookup(h, { all: true, verbatim: true })))(remote.host).catch(() => {
        throw new Error(`${remote.host} does not resolve`);
      });
  const bad = guard.policy.allowPrivate ? undefined : found.find((a) => classifyAddress(a.address) !== "allowed");
  if (bad) throw new Error(`${remote.host} resolves to ${bad.address}, which is not a public address`);
  if (!found.length) throw new Error(`${remote.host} has no address`);
  return { remote, address: found[0].address };
}

/** The remote without credentials, for labels. */
export function gitLabel(url: string, branch: string): string {
  return `${url.replace(/(\w+:\/\/)[^/@]*@/, "$1")} (${branch})`;
}

export function gitTarget(opts: GitTargetOptions): TargetDriver {
  const dir = path.resolve(opts.workDir);
  const auth = opts.auth;
  const basic = auth?.kind === "token" ? Buffer.from(`${auth.username}:${auth.token}`).toString("base64") : undefined;
  const secrets = [opts.url, ...(auth?.kind === "token" ? [auth.token, basic!] : []), ...sshKeyLines(auth)];
  const keyDir = `${dir}.ssh`;
  /** git's environment for a command that reaches the remote (console targets: credentials and pinning). */
  const remoteEnv = async (): Promise<Record<string, string>> => {
    if (!opts.guard && !auth) return {};
    const config: [string, string][] = [];
    const out: Record<string, string> = {};
    let sshHost: string | null = null;
    if (opts.guard) {
      const { remote, address } = await checkGitRemote(opts.url, opts.guard);
      out.GIT_ALLOW_PROTOCOL = remote.protocol;
      if (remote.protocol === "ssh") sshHost = address;
      else config.push(["http.curloptResolve", `${remote.host}:${remote.port}:${address}`]);
    }
    if (basic) config.push(["http.extraHeader", `Authorization: Basic ${basic}`]);
    if (auth?.kind === "ssh" || sshHost) {
      const ssh = ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new"];
      mkdirSync(keyDir, { recursive: true, mode: 0o700 });
      ssh.push("-o", `UserKnownHostsFile=${path.join(keyDir, "known_hosts")}`);
      if (sshHost) ssh.push("-o", `HostName=${sshHost}`, "-o", `HostKeyAlias=${parseGitRemote(opts.url).host}`);
      if (auth?.kind === "ssh") {
        const key = path.join(keyDir, "key");
        writeFileSync(key, `${auth.privateKey.replace(/\r\n/g, "\n").trimEnd()}\n`, { mode: 0o600 });
        ssh.push("-i", key, "-o", "IdentitiesOnly=yes");
      }
      out.GIT_SSH_COMMAND = ssh
        .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`))
        .join(" ");
    }
    out.GIT_CONFIG_COUNT = String(config.length);
    config.forEach(([k, v], i) => {
      out[`GIT_CONFIG_KEY_${i}`] = k;
      out[`GIT_CONFIG_VALUE_${i}`] = v;
    });
    return out;
  };
  /** Runs a command that reaches the remote; the ssh key file exists only meanwhile. */
  const remoteGit = async (...args: string[]): Promise<string> => {
    try {
      return await gitWith(await remoteEnv(), args);
    } finally {
      if (auth?.kind === "ssh") rmSync(path.join(keyDir, "key"), { force: true });
    }
  };
  const git = (...args: string[]) => gitWith({}, args);
  const gitWith = async (extraEnv: Record<string, string>, args: string[]): Promise<string> => {
    try {
      const { stdout } = await run("git", args, {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          ...extraEnv,
          GIT_TERMINAL_PROMPT: "0",
          GIT_AUTHOR_NAME: opts.authorName ?? "Herald",
          GIT_AUTHOR_EMAIL: opts.authorEmail ?? "herald@localhost",
          GIT_COMMITTER_NAME: opts.authorName ?? "Herald",
          GIT_COMMITTER_EMAIL: opts.authorEmail ?? "herald@localhost",
        },
      });
      return stdout.trim();
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(redact(`git ${args[0]} failed: ${(e.stderr || e.message).trim()}`, secrets));
    }
  };
  const inside = (file: string) => {
    const p = path.resolve(dir, file);
    if (!p.startsWith(dir + path.sep) || p.startsWith(path.join(dir, ".git") + path.sep))
      throw new Error(`refusing path ${file}`);
    return p;
  };
  return {
    id: opts.id ?? "git",
    kind: "git",
    label: gitLabel(opts.url, opts.branch),
    concurrency: 8,
    secrets,
    async begin({ full, remoteHead }) {
      if (!existsSync(path.join(dir, ".git"))) {
        mkdirSync(dir, { recursive: true });
        await git("init", "--quiet");
      }
      let head: string | null = null;
      try {
        await remoteGit("fetch", "--quiet", "--depth=1", "--no-tags", opts.url, `refs/heads/${opts.branch}`);
        head = await git("rev-parse", "FETCH_HEAD");
      } catch (err) {
        // A new branch: the first push creates it. Any other failure (auth, network) is the push's error.
        if (!/couldn't find remote ref|not our ref|no such ref/i.test(String(err))) throw err;
      }
      if (head) {
        await git("checkout", "--quiet", "-B", opts.branch, head);
        await git("reset", "--quiet", "--hard", head);
      } else {
        await git("checkout", "--quiet", "--orphan", `herald-${Date.now()}`);
        await git("rm", "-r", "--quiet", "--cached", "--ignore-unmatch", ".");
        await git("checkout", "--quiet", "-B", opts.branch);
      }
      await git("clean", "--quiet", "-fdx");
      // The branch is as we left it: the stored manifest describes it.
      if (!full && head !== null && head === remoteHead) return { listed: null };
      // Someone else pushed, it is new, or a full sync: compare with every file in the branch.
      const listed = new Map<string, string>();
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.name === ".git" && d === dir) continue;
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          // Hashed: a file the branch already holds as it is is neither rewritten nor counted as sent.
          else
            listed.set(
              path.relative(dir, p).split(path.sep).join("/"),
              createHash("sha256").update(readFileSync(p)).digest("hex"),
            );
        }
      };
      walk(dir);
      return { listed };
    },
    async put(file, body) {
      const p = inside(file);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(`${p}.herald-tmp`, body);
      renameSync(`${p}.herald-tmp`, p);
    },
    async remove(files) {
      for (const file of files) {
        const p = inside(file);
        rmSync(p, { force: true });
        for (let d = path.dirname(p); d !== dir && d.startsWith(dir); d = path.dirname(d)) {
          try {
            rmdirSync(d);
          } catch {
            break;
          }
        }
      }
    },
    async finish(message) {
      // GitHub Pages: serve the files as they are (no Jekyll build).
      writeFileSync(path.join(dir, ".nojekyll"), "");
      await git("add", "--all");
      const changed = await git("status", "--porcelain");
      if (changed) await git("commit", "--quiet", "-m", message);
      const head = await git("rev-parse", "HEAD");
      await remoteGit("push", "--quiet", opts.url, `HEAD:refs/heads/${opts.branch}`);
      return { remoteHead: head };
    },
  };
}

/** The lines of an ssh key (each long enough to matter), so no part of it is ever printed. */
function sshKeyLines(auth: GitTargetOptions["auth"]): string[] {
  if (auth?.kind !== "ssh") return [];
  return auth.privateKey.split(/\r?\n/).filter((l) => l.length >= 16 && !l.startsWith("-----"));
}
