// A git branch for a Pages host (GitHub, GitLab, Codeberg), pushed with the
// system's git over https or ssh. A work tree under the data directory holds the
// branch; each push is one commit of what changed. The remote URL (which may
// carry a token) is passed on the command line for each fetch and push and is
// never written to the work tree's config or to an error message.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
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
}

/** The remote without credentials, for labels. */
export function gitLabel(url: string, branch: string): string {
  return `${url.replace(/(\w+:\/\/)[^/@]*@/, "$1")} (${branch})`;
}

export function gitTarget(opts: GitTargetOptions): TargetDriver {
  const dir = path.resolve(opts.workDir);
  const secrets = [opts.url];
  const git = async (...args: string[]): Promise<string> => {
    try {
      const { stdout } = await run("git", args, {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
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
        await git("fetch", "--quiet", "--depth=1", "--no-tags", opts.url, `refs/heads/${opts.branch}`);
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
          else listed.set(path.relative(dir, p).split(path.sep).join("/"), "");
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
      await git("push", "--quiet", opts.url, `HEAD:refs/heads/${opts.branch}`);
      return { remoteHead: head };
    },
  };
}
