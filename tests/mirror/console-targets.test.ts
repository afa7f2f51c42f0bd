// Settings → Static mirror at the HTTP level (issue 16, item 1): the forms are
// posted the way a browser without JavaScript posts them (Next's progressive
// enhancement fields read from the page), by a signed-in owner, with no
// session and with a forged one. Credentials are write-only: after saving
// they are in no page, log line, audit row or export.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, mirrorJob, mirrorTarget, mirrorTargetConfig } from "../../db/schema";
import { exportPage } from "../../lib/portability/export";
import { consoleSession } from "../helpers/console-session";
import { startServer, type RunningServer } from "../helpers/server";
import { cliCtx } from "../public/seed";

const PAGE = "/admin/settings/mirror";
const SECRET = "wJalrXUtnFEMI-console-secret-never-shown-0123";
const KEY_ID = "AKIACONSOLEKEYID0001";
let server: RunningServer;
let session: Awaited<ReturnType<typeof consoleSession>>;

beforeAll(async () => {
  // The worker stays off: these tests look at what the forms store, not at pushes.
  server = await startServer({ env: { HERALD_WORKER: "off", HERALD_MIRROR_DIR_ROOT: "/srv/status-mirrors" } });
  session = await consoleSession(server);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const decode = (s: string) =>
  s
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");

/** The hidden fields of the form labelled `label` on the page (Next's action reference among them). */
function formFields(html: string, label: string): [string, string][] {
  const start = html.indexOf(`aria-label="${label}"`);
  if (start === -1) throw new Error(`no form labelled ${label}`);
  const form = html.slice(html.lastIndexOf("<form", start), html.indexOf("</form>", start));
  const out: [string, string][] = [];
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const attrs = m[1];
    if (!/type="hidden"/.test(attrs)) continue;
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    if (name) out.push([decode(name), decode(/value="([^"]*)"/.exec(attrs)?.[1] ?? "")]);
  }
  return out;
}

/** Posts the form as a browser without JavaScript would, with `cookie` (or none). */
async function post(label: string, fields: Record<string, string>, cookie: string | null, formHtml?: string) {
  const html = formHtml ?? (await session.get(PAGE)).html;
  const fd = new FormData();
  for (const [k, v] of formFields(html, label)) if (!(k in fields)) fd.append(k, v);
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  const res = await fetch(`${server.url}${PAGE}`, {
    method: "POST",
    body: fd,
    headers: { origin: server.url, ...(cookie ? { cookie } : {}) },
    redirect: "manual",
  });
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}

const configs = () => server.db.select().from(mirrorTargetConfig);
const audits = () => server.db.select().from(auditLog).where(eq(auditLog.entityType, "mirror_target"));

const S3 = {
  kind: "s3",
  endpoint: "https://objects.example.com",
  bucket: "status-page",
  region: "eu-west-1",
  prefix: "status",
  accessKeyId: KEY_ID,
  secretAccessKey: SECRET,
};

describe("Settings → Static mirror targets", () => {
  it("changes nothing without a session or with a forged one", async () => {
    const html = (await session.get(PAGE)).html;
    const anonymous = await post("Add S3 bucket", S3, null, html);
    const forged = await post("Add S3 bucket", S3, "better-auth.session_token=forged.token-value", html);
    for (const r of [anonymous, forged]) {
      expect(r.status).toBeGreaterThanOrEqual(300);
      expect(r.html).not.toContain(SECRET);
    }
    expect(await configs()).toEqual([]);
    expect(await audits()).toEqual([]);
  });

  it("refuses bad input with a message beside the field, and stores nothing", async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ["Add S3 bucket", { ...S3, endpoint: "http://127.0.0.1:9000" }, /endpoint is refused/],
      ["Add S3 bucket", { ...S3, endpoint: "https://10.0.0.5" }, /not a public address/],
      ["Add S3 bucket", { ...S3, bucket: "Not A Bucket!" }, /lower-case letters/],
      ["Add S3 bucket", { ...S3, secretAccessKey: "" }, /secret access key/],
      [
        "Add Git branch",
        { kind: "git", url: "/etc/herald", branch: "pages", auth: "none" },
        /https:\/\/ URL or an ssh/,
      ],
      [
        "Add Git branch",
        { kind: "git", url: "ext::sh -c touch% /tmp/pwned", branch: "pages", auth: "none" },
        /https:\/\/ URL or an ssh/,
      ],
      ["Add Git branch", { kind: "git", url: "git@127.0.0.1:acme/status.git", branch: "p", auth: "none" }, /refused/],
      [
        "Add Git branch",
        { kind: "git", url: "https://git.example.com/acme/status.git", branch: "--upload-pack=x", auth: "none" },
        /Letters, digits/,
      ],
      ["Add Git branch", { kind: "git", url: "https://git.example.com/a.git", branch: "p", auth: "token" }, /token/],
      ["Add Directory", { kind: "directory", path: "../../etc" }, /inside \/srv\/status-mirrors/],
    ];
    const html = (await session.get(PAGE)).html;
    for (const [form, fields, message] of cases) {
      const r = await post(form, fields, session.cookie, html);
      expect(r.status, JSON.stringify(fields)).toBe(200);
      expect(decode(r.html), JSON.stringify(fields)).toMatch(message);
    }
    expect(await configs()).toEqual([]);
    expect(await audits()).toEqual([]);
    expect(await server.db.select().from(mirrorJob)).toEqual([]);
  });

  it("adds an S3 target whose credentials are never shown, logged, audited or exported", async () => {
    const r = await post("Add S3 bucket", S3, session.cookie);
    expect(r.status).toBe(200);
    expect(r.html).toContain("Target added");
    const [row] = await configs();
    expect(row.settings).toEqual({
      bucket: "status-page",
      region: "eu-west-1",
      endpoint: "https://objects.example.com",
      prefix: "status/",
    });
    expect(row.credentialsEnc).toBeTruthy();
    const state = await server.db.select().from(mirrorTarget).where(eq(mirrorTarget.id, row.id)).get();
    expect(state?.label).toBe("s3://status-page/status/ at https://objects.example.com");
    expect(state?.pushRequested).toBe(true);
    // Queued for the worker at once.
    expect((await server.db.select().from(mirrorJob)).length).toBe(1);
    const [entry] = await audits();
    expect(entry.action).toBe("mirror.target.add");
    expect(entry.after).toMatchObject({ kind: "s3", bucket: "status-page", credentials: "set" });

    const page = (await session.get(PAGE)).html;
    expect(page).toContain("S3 bucket: s3://status-page/status/ at https://objects.example.com");
    expect(page).toContain("Saved and hidden; leave blank to keep it.");
    const everything = [
      r.html,
      page,
      server.output(),
      JSON.stringify(await server.db.select().from(auditLog)),
      JSON.stringify(await server.db.select().from(mirrorTarget)),
      JSON.stringify(await configs()),
      JSON.stringify(await exportPage(cliCtx(server.db))),
    ].join("\n");
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(KEY_ID);
  });

  it("keeps stored credentials when an edit leaves them blank; pushes now; removes", async () => {
    const [before] = await configs();
    const html = (await session.get(PAGE)).html;
    const label = `Edit ${before.settings.bucket}`;
    const editLabel = html.match(/aria-label="(Edit s3:\/\/status-page[^"]*)"/)?.[1];
    expect(editLabel, label).toBeTruthy();
    const edit = await post(
      decode(editLabel!),
      { ...S3, prefix: "", accessKeyId: "", secretAccessKey: "" },
      session.cookie,
      html,
    );
    expect(edit.html).toContain("Target saved");
    const [after] = await configs();
    expect(after.settings.prefix).toBeUndefined();
    expect(after.credentialsEnc).toBe(before.credentialsEnc);
    const update = (await audits()).find((a) => a.action === "mirror.target.update")!;
    expect(update.before).toMatchObject({ prefix: "status/" });
    expect(update.after).toMatchObject({ credentials: "unchanged" });

    await server.db.update(mirrorTarget).set({ pushRequested: false });
    await server.db.delete(mirrorJob);
    const push = await post("Push now", { id: after.id }, session.cookie);
    expect(push.html).toContain("A push to this target is queued");
    expect(
      (await server.db.select().from(mirrorTarget).where(eq(mirrorTarget.id, after.id)).get())?.pushRequested,
    ).toBe(true);
    expect((await server.db.select().from(mirrorJob)).length).toBe(1);
    // An id that is no target: refused, nothing queued for it.
    const bogus = await post("Push now", { id: "nosuchtarget" }, session.cookie);
    expect(bogus.html).toContain("Mirror target not found");

    const removeLabel = (await session.get(PAGE)).html.match(/aria-label="(Remove s3:\/\/status-page[^"]*)"/)?.[1];
    const removed = await post(decode(removeLabel!), {}, session.cookie);
    expect(removed.html).toContain("Target removed");
    expect(await configs()).toEqual([]);
    expect(await server.db.select().from(mirrorTarget).where(eq(mirrorTarget.id, after.id))).toEqual([]);
    expect((await audits()).map((a) => a.action).sort()).toEqual([
      "mirror.target.add",
      "mirror.target.push",
      "mirror.target.remove",
      "mirror.target.update",
    ]);
  });
});
