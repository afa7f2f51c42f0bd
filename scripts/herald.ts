// `npm run herald -- <command>`: operator commands. Every command migrates and
// makes sure the page exists first, then runs the same lib use cases as the
// console, acting as the CLI. Exit codes: 0 ok, 1 the command failed, 2 usage.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { CreateApiKeyInput } from "@/lib/api-keys/api-keys";
import { CLI_ACTOR, type Ctx } from "@/lib/context";
import { isDomainError, ValidationError } from "@/lib/errors";
import type { MirrorStatus } from "@/lib/mirror/mirror";
import type { CreateUserInput } from "@/lib/users/users";
import type { RestorePlan } from "@/lib/portability/restore";

// A command imports what it uses when it runs (the database driver, markdown, auth and mirror packages cost
// a second or more of loading): `herald help` and a usage error load none of it, and a command only its own.

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  required?: string[];
  /** How many positional arguments the command takes (none unless said). */
  positionals?: { min: number; max: number };
  /** `ctx` acts as the CLI on the migrated database. */
  run: (ctx: Ctx, values: Record<string, unknown>, positionals: string[]) => Promise<void>;
}

/** Options are strings here; the use cases validate their values. */
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Usage errors found after parsing (a combination of options): exit 2 like the parser's own. */
class UsageError extends Error {}

function describeRestore(plan: RestorePlan): string[] {
  const verb = plan.dryRun ? "would be" : "were";
  const lines = [
    `${plan.dryRun ? "Plan for restoring" : "Restored"} "${plan.pageName}":`,
    `  page: ${plan.page === "unchanged" ? "unchanged" : `${verb} ${plan.page}`}`,
  ];
  for (const [table, c] of Object.entries(plan.counts)) {
    if (c.created + c.updated + c.unchanged)
      lines.push(`  ${table}: ${c.created} new, ${c.updated} updated, ${c.unchanged} unchanged`);
  }
  if (!plan.changed) lines.push("Nothing to change: this Herald already holds the file's content.");
  lines.push("No email is sent and no subscriber is notified.");
  return lines;
}

async function importCommand(ctx: Ctx, values: Record<string, unknown>, [kind, file]: string[]): Promise<void> {
  const dryRun = values["dry-run"] === true;
  if (kind === "herald") {
    if (!file) throw new UsageError("import herald needs the export file: herald import herald page.json");
    const [{ parseExportText }, { restoreExport }] = await Promise.all([
      import("@/lib/portability/file"),
      import("@/lib/portability/restore"),
    ]);
    const plan = await restoreExport(ctx, parseExportText(readFileSync(file, "utf8")), { dryRun });
    console.log(describeRestore(plan).join("\n"));
    return;
  }
  if (kind !== "statuspage") throw new UsageError(`import what? "statuspage" or "herald", not "${kind ?? ""}"`);
  if (file) throw new UsageError("import statuspage takes --url, or --api-key and --page-id; no file");
  const [url, apiKey, pageId, apiUrl] = [
    str(values.url),
    str(values["api-key"]),
    str(values["page-id"]),
    str(values["api-url"]),
  ];
  const v1 = apiKey !== "" || pageId !== "";
  if (v1 && (!apiKey || !pageId)) throw new UsageError("--api-key and --page-id go together");
  if (!v1 && !url)
    throw new UsageError("give the page's address (--url https://status.example.com) or --api-key and --page-id");
  const [{ env }, { importStatuspage, describePlan }, { safeFetch }] = await Promise.all([
    import("@/lib/env"),
    import("@/lib/import/import-statuspage"),
    import("@/lib/net/fetch"),
  ]);
  const config = env();
  const plan = await importStatuspage(
    ctx,
    // Statuspage's addresses are user-given URLs like any other: the SSRF-safe fetch (lib/net).
    { fetch: safeFetch, secret: config.HERALD_SECRET },
    v1 ? { kind: "v1", apiKey, pageId, ...(apiUrl ? { apiUrl } : {}) } : { kind: "v2", url },
    { dryRun },
  );
  console.log(describePlan(plan).join("\n"));
}

const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: "Apply pending database migrations",
    usage: "migrate",
    options: {},
    // bootstrap() has already migrated by the time this runs.
    run: async () => console.log("Database is up to date."),
  },
  "create-user": {
    summary: "Add a console user (role owner only while Herald has no owner)",
    usage: "create-user --email <email> --password <password> --role <owner|admin|editor|viewer> [--name <name>]",
    options: {
      email: { type: "string" },
      password: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
    },
    required: ["email", "password", "role"],
    run: async (ctx, values) => {
      const { createUser, setupOwner } = await import("@/lib/users/users");
      const [email, password, role] = [str(values.email), str(values.password), str(values.role)];
      const name = str(values.name) || email.split("@")[0] || email;
      // The owner is made by the one-time setup path, so the single-owner rule holds here too.
      const created =
        role === "owner"
          ? await setupOwner(ctx.db, ctx.now(), { name, email, password })
          : await createUser(ctx, { name, email, password, role: role as CreateUserInput["role"] });
      console.log(`Created ${created.role} ${created.email} (id ${created.id}).`);
    },
  },
  "create-api-key": {
    summary: "Create a management API key and print it once",
    usage: "create-api-key --name <name> [--role admin|editor|viewer]",
    options: { name: { type: "string" }, role: { type: "string" } },
    required: ["name"],
    run: async (ctx, values) => {
      const { createApiKey } = await import("@/lib/api-keys/api-keys");
      const role = values.role === undefined ? {} : { role: str(values.role) as CreateApiKeyInput["role"] };
      const { key, apiKey } = await createApiKey(ctx, { name: str(values.name), ...role });
      console.log(
        `Created ${apiKey.role} API key "${apiKey.name}" (id ${apiKey.id}). It is shown only once; store it now.`,
      );
      console.log("Use it as `Authorization: OAuth <key>` or `Bearer <key>`.");
      // Scripts read the key from the last line: nothing may be printed after it.
      console.log(key);
    },
  },
  "unlock-sign-in": {
    summary: "Let an account sign in again after too many wrong passwords",
    usage: "unlock-sign-in --email <email>",
    options: { email: { type: "string" } },
    required: ["email"],
    run: async (ctx, values) => {
      const { signInLimitsFromEnv, unlockSignIn } = await import("@/lib/auth/sign-in-limits");
      await unlockSignIn(ctx.db, str(values.email), signInLimitsFromEnv(), ctx.now());
      console.log(`Sign-in for ${str(values.email)} is unlocked.`);
    },
  },
  "seed-demo": {
    summary: "Fill the page with a realistic demo (Acme Cloud, 90 days of history)",
    usage: "seed-demo [--force]",
    options: { force: { type: "boolean" } },
    run: async (ctx, values) => {
      const [{ env }, { seedDemo }] = await Promise.all([import("@/lib/env"), import("@/lib/demo/seed-demo")]);
      const config = env();
      const result = await seedDemo(ctx.db, {
        force: values.force === true,
        now: ctx.now(),
        publicUrl: config.HERALD_URL ?? `http://localhost:${config.PORT}`,
        secret: config.HERALD_SECRET,
      });
      console.log(result.message);
    },
  },
  import: {
    summary: "Import a Statuspage page, or restore a Herald export (--dry-run prints the plan only)",
    usage:
      "import statuspage --url <https://status.example.com> [--dry-run]\n" +
      "  herald import statuspage --api-key <key> --page-id <id> [--api-url <url>] [--dry-run]\n" +
      "  herald import herald <page.json> [--dry-run]",
    options: {
      url: { type: "string" },
      "api-key": { type: "string" },
      "page-id": { type: "string" },
      "api-url": { type: "string" },
      "dry-run": { type: "boolean" },
    },
    positionals: { min: 1, max: 2 },
    run: importCommand,
  },
  export: {
    summary: "Write the page as a Herald export (JSON) to stdout or --output <file>",
    usage: "export [--output <page.json>]",
    options: { output: { type: "string" } },
    run: async (ctx, values) => {
      const { exportPage } = await import("@/lib/portability/export");
      const text = `${JSON.stringify(await exportPage(ctx), null, 2)}\n`;
      const output = str(values.output);
      if (output) {
        // Subscriber addresses and password hashes: readable by the owner only.
        writeFileSync(output, text, { mode: 0o600 });
        chmodSync(output, 0o600);
        console.error(`Wrote ${output}.`);
        return;
      }
      // Waits for the write: process.exit would cut a pipe short.
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(text, (err) => (err ? reject(err) : resolve())),
      );
    },
  },
  mirror: {
    summary: "Push the public site to every mirror target now (Herald must be running), or show their state",
    usage: "mirror sync | mirror status",
    options: {},
    positionals: { min: 1, max: 1 },
    run: async (ctx, _values, [what]) => {
      if (what === "sync") return mirrorSync(ctx);
      if (what === "status") return mirrorStatusCommand(ctx);
      throw new ValidationError('Use "mirror sync" or "mirror status"', {});
    },
  },
};

async function mirrorSync(ctx: Ctx): Promise<void> {
  const [{ mirrorDepsFromEnv }, { syncNow }] = await Promise.all([
    import("@/lib/mirror/from-env"),
    import("@/lib/mirror/mirror"),
  ]);
  const r = await syncNow(
    { db: ctx.db, now: ctx.now },
    mirrorDepsFromEnv(`cli:${process.pid}`, () => {}),
  );
  console.log(`Mirrored content version ${r.version} (${r.fetched} files fetched from Herald).`);
  for (const t of r.results)
    console.log(
      t.error ? `${t.target}: FAILED: ${t.error}` : `${t.target}: ${t.uploaded} uploaded, ${t.deleted} removed`,
    );
  if (r.results.some((t) => t.error)) throw new MirrorFailed();
}

async function mirrorStatusCommand(ctx: Ctx): Promise<void> {
  const [{ listConsoleTargets }, { mirrorTargetsFromEnv }, { mirrorStatus }] = await Promise.all([
    import("@/lib/mirror/console-targets"),
    import("@/lib/mirror/from-env"),
    import("@/lib/mirror/mirror"),
  ]);
  const targets = [...mirrorTargetsFromEnv(), ...(await listConsoleTargets(ctx.db))];
  if (!targets.length)
    return console.log(
      "No mirror target is configured (HERALD_MIRROR_DIR, HERALD_MIRROR_GIT_URL, HERALD_MIRROR_S3_BUCKET, " +
        "or Settings → Static mirror).",
    );
  const s = await mirrorStatus({ db: ctx.db, now: ctx.now }, targets);
  console.log(`Content version ${s.currentVersion}.${s.job ? ` Queued: ${describeJob(s.job)}.` : ""}`);
  for (const t of s.targets) {
    const last = t.pushedAt
      ? `last push ${t.pushedAt.toISOString()} ` +
        `(version ${t.pushedVersion}, ${t.lastUploaded} uploaded, ${t.lastDeleted} removed)`
      : "never pushed";
    const lag = t.behind ? `behind by ${t.behind} version(s) for ${(t.lagMs / 1000).toFixed(1)} s` : "up to date";
    console.log(
      `${t.id} ${t.label}: ${last}; ${lag}` +
        (t.lastError ? `; last error ${t.lastErrorAt?.toISOString()}: ${t.lastError}` : ""),
    );
  }
}

function describeJob(job: NonNullable<MirrorStatus["job"]>): string {
  const what = job.full ? "full sync" : "push";
  const attempts = job.attempts ? `, ${job.attempts} failed attempts` : "";
  return `${what} due ${job.dueAt.toISOString()}${job.leased ? " (running)" : ""}${attempts}`;
}

/** A push that failed on some target: the lines above say which; exit code 1. */
class MirrorFailed extends Error {}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "Usage: npm run herald -- <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    `  ${"help".padEnd(width)}  Show this help`,
    "",
    ...Object.values(COMMANDS).map((c) => `  herald ${c.usage}`),
    "",
    "The database is DATABASE_URL (default file:./data/herald.db).",
  ].join("\n");
}

function printError(err: unknown): void {
  if (err instanceof MirrorFailed) return;
  if (err instanceof ValidationError) {
    console.error(`error: ${err.message}`);
    for (const [field, messages] of Object.entries(err.fieldErrors))
      for (const m of messages) console.error(`  ${field === "_" ? "input" : field}: ${m}`);
  } else if (isDomainError(err)) {
    console.error(`error: ${err.message}`);
  } else {
    console.error("error: unexpected failure");
    console.error(err);
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`error: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    const allow = command.positionals ?? { min: 0, max: 0 };
    ({ values, positionals } = parseArgs({
      args: rest,
      options: command.options,
      strict: true,
      allowPositionals: allow.max > 0,
    }));
    if (positionals.length < allow.min || positionals.length > allow.max)
      throw new UsageError("wrong number of arguments");
  } catch (err) {
    console.error(`error: ${(err as Error).message}\nusage: herald ${command.usage}`);
    return 2;
  }
  const missing = (command.required ?? []).filter((o) => typeof values[o] !== "string" || values[o] === "");
  if (missing.length) {
    console.error(`error: ${missing.map((o) => `--${o}`).join(", ")} required\nusage: herald ${command.usage}`);
    return 2;
  }
  try {
    const [{ bootstrap }, { systemClock }] = await Promise.all([import("./bootstrap"), import("@/lib/runtime")]);
    await command.run({ db: await bootstrap(), now: systemClock, actor: CLI_ACTOR }, values, positionals);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\nusage: herald ${command.usage}`);
      return 2;
    }
    printError(err);
    return 1;
  }
}

// Explicit exit: an open database client must not keep the process alive.
process.exit(await main(process.argv.slice(2)));
