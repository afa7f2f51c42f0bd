// A git target set in the console: its token reaches the remote as HTTP Basic
// auth (a local smart-HTTP server: git http-backend behind node:http) and
// never an error text; the SSRF rules refuse a private remote before git runs.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MirrorTargetConfig } from "@/db/schema";
import { type ConsoleTargetEnv, driverOfConfig, sealCredentials } from "./from-config";

const tmp = mkdtempSync(path.join(tmpdir(), "herald-mirror-git-auth-"));
const TOKEN = "ghp_consoleTokenNeverShown0123456789";
const BASIC = `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString("base64")}`;
const env = (allowPrivate: boolean): ConsoleTargetEnv => ({
  secret: "test-secret-0123456789-0123456789-abcdef",
  policy: { allowHttp: true, allowPrivate },
  dataDir: tmp,
});
const seen: (string | undefined)[] = [];

const srv = createServer((req, res) => {
  seen.push(req.headers.authorization);
  if (req.headers.authorization !== BASIC) {
    res.writeHead(401, { "www-authenticate": 'Basic realm="git"' });
    return void res.end();
  }
  const url = new URL(req.url ?? "/", "http://x");
  const cgi = spawn("git", ["http-backend"], {
    env: {
      ...process.env,
      GIT_PROJECT_ROOT: tmp,
      GIT_HTTP_EXPORT_ALL: "1",
      REMOTE_USER: "x-access-token",
      REQUEST_METHOD: req.method,
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"] ?? ""),
    },
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let started = false;
  cgi.stdout.on("data", (chunk: Buffer) => {
    if (started) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end === -1) return;
    started = true;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.subarray(0, end).toString().split("\r\n")) {
      const i = line.indexOf(":");
      const [k, v] = [line.slice(0, i).trim(), line.slice(i + 1).trim()];
      if (k.toLowerCase() === "status") status = Number.parseInt(v, 10);
      else headers[k] = v;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  cgi.stdout.on("end", () => res.end());
});
let remote = "";

const row = (token: string, url = remote): MirrorTargetConfig => ({
  id: "consolegit01",
  kind: "git",
  settings: { url, branch: "pages", auth: "token" },
  credentialsEnc: sealCredentials(env(true).secret, { token }),
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

beforeAll(async () => {
  execFileSync("git", ["init", "--quiet", "--bare", path.join(tmp, "remote.git")]);
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  remote = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/remote.git`;
});
afterAll(() => {
  srv.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("a console git target", () => {
  it("pushes with its token as Basic auth, never on git's command line", async () => {
    const driver = driverOfConfig(row(TOKEN), env(true));
    await driver.begin({ full: false, remoteHead: null });
    await driver.put("index.html", Buffer.from("<!doctype html><p>up</p>"), "text/html");
    await driver.finish("Status page");
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((h) => h === BASIC)).toBe(true);
    const tree = execFileSync("git", ["--git-dir", path.join(tmp, "remote.git"), "ls-tree", "--name-only", "pages"]);
    expect(tree.toString()).toContain("index.html");
  });

  it("fails on a wrong token with an error that names neither token", async () => {
    const wrong = "ghp_wrongTokenAlsoNeverShown98765";
    const driver = driverOfConfig({ ...row(wrong), id: "consolegit02" }, env(true));
    const err = await driver.begin({ full: false, remoteHead: null }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/git fetch failed/);
    expect(err?.message).not.toContain(wrong);
    expect(err?.message).not.toContain(Buffer.from(`x-access-token:${wrong}`).toString("base64"));
  });

  it("refuses a remote on a private address before git runs", async () => {
    const before = seen.length;
    const driver = driverOfConfig({ ...row(TOKEN), id: "consolegit03" }, env(false));
    await expect(driver.begin({ full: false, remoteHead: null })).rejects.toThrow(/not a public address/);
    const ssh = driverOfConfig({ ...row(TOKEN, "git@127.0.0.1:acme/status.git"), id: "consolegit04" }, env(false));
    await expect(ssh.begin({ full: false, remoteHead: null })).rejects.toThrow(/not a public address/);
    expect(seen.length).toBe(before);
  });

  it("refuses a local path or a transport helper as a remote", async () => {
    for (const url of [path.join(tmp, "remote.git"), "ext::sh -c touch% /tmp/herald-pwned", "file:///etc"]) {
      const driver = driverOfConfig({ ...row(TOKEN, url), id: "consolegit05" }, env(true));
      await expect(driver.begin({ full: false, remoteHead: null }), url).rejects.toThrow(/https:\/\/ URL or an ssh/);
    }
  });
});
