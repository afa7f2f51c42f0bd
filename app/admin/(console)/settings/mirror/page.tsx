import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, ConfirmForm, EmptyState, FormField, PageHeader, ReadOnlyNotice } from "@/components/admin/ui";
import { Input, Select, Textarea } from "@/components/ui/form";
import { env } from "@/lib/env";
import { listConsoleTargets } from "@/lib/mirror/console-targets";
import { mirrorTargetsFromEnv } from "@/lib/mirror/from-env";
import { configLabel } from "@/lib/mirror/targets/from-config";
import { mirrorStatus, type TargetStatus } from "@/lib/mirror/mirror";
import { getPage } from "@/lib/page/page";
import { formatDateTime, formatDuration } from "@/lib/time/format";
import {
  addMirrorTargetAction,
  pushMirrorTargetAction,
  removeMirrorTargetAction,
  syncMirrorAction,
  updateMirrorTargetAction,
} from "./actions";

export const metadata = { title: "Static mirror · Herald" };
export const dynamic = "force-dynamic";

const KIND_LABEL = { directory: "Directory", git: "Git branch", s3: "S3 bucket" } as const;
type Kind = keyof typeof KIND_LABEL;
type ConsoleTarget = Awaited<ReturnType<typeof listConsoleTargets>>[number];

const muted = "text-sm text-zinc-600 dark:text-zinc-400";

export default async function MirrorPage() {
  const { ctx, canAdmin } = await requireConsolePage();
  const envTargets = mirrorTargetsFromEnv();
  const consoleTargets = await listConsoleTargets(ctx.db);
  const { timeZone } = await getPage(ctx.db);
  const status = await mirrorStatus(ctx, [...envTargets, ...consoleTargets]);
  const byId = new Map(status.targets.map((t) => [t.id, t]));
  const dirRoot = env().HERALD_MIRROR_DIR_ROOT;

  return (
    <>
      <PageHeader
        title="Static mirror"
        description={
          "Copies of the public status page on hosts that do not share this server's fate, " +
          "pushed after every change."
        }
      />
      {!canAdmin && <ReadOnlyNotice>Only admins can add, change or push mirror targets.</ReadOnlyNotice>}
      <div className="max-w-3xl space-y-4">
        <p className={muted}>
          Content version {status.currentVersion}.{" "}
          {status.job
            ? `${status.job.full ? "A full push" : "A push"} is ` +
              (status.job.leased ? "running" : `queued for ${formatDateTime(status.job.dueAt, timeZone)}`) +
              (status.job.attempts ? ` (${status.job.attempts} failed attempts so far)` : "") +
              "."
            : "Nothing is queued."}
        </p>
        {envTargets.length + consoleTargets.length === 0 && (
          <EmptyState>
            No mirror target yet. Add one below, or set <code>HERALD_MIRROR_DIR</code>,{" "}
            <code>HERALD_MIRROR_GIT_URL</code> or <code>HERALD_MIRROR_S3_BUCKET</code> in the environment (see the
            README).
          </EmptyState>
        )}
        {envTargets.map((t) => (
          <TargetCard key={t.id} kind={t.kind} label={t.label} status={byId.get(t.id)} tz={timeZone}>
            <p className={muted}>Set in the environment: change it there and restart Herald.</p>
            {canAdmin && <PushNow id={t.id} />}
          </TargetCard>
        ))}
        {consoleTargets.map((t) => (
          <TargetCard key={t.id} kind={t.kind} label={labelOf(t)} status={byId.get(t.id)} tz={timeZone}>
            {canAdmin && (
              <div className="space-y-3">
                <PushNow id={t.id} />
                <details>
                  <summary className="cursor-pointer text-sm text-blue-700 dark:text-blue-400">Edit</summary>
                  <ActionForm action={updateMirrorTargetAction} aria-label={`Edit ${labelOf(t)}`}>
                    <input type="hidden" name="id" value={t.id} />
                    <TargetFields kind={t.kind} idPrefix={`t-${t.id}`} target={t} dirRoot={dirRoot} />
                    <SubmitButton pendingLabel="Saving…">Save target</SubmitButton>
                  </ActionForm>
                </details>
                <ConfirmForm
                  action={removeMirrorTargetAction}
                  fields={{ id: t.id }}
                  label={`Remove ${labelOf(t)}`}
                  summary="Remove this target"
                  confirmLabel="Remove target"
                  warning="Herald stops pushing there. The files already there stay: remove them yourself if needed."
                />
              </div>
            )}
          </TargetCard>
        ))}
        {canAdmin && envTargets.length + consoleTargets.length > 0 && (
          <ActionForm action={syncMirrorAction} aria-label="Push everything">
            <p className={muted}>
              Re-reads every public page and pushes whatever differs to every target (the same as{" "}
              <code>npm run herald -- mirror sync</code>).
            </p>
            <SubmitButton pendingLabel="Queuing…">Push everything now</SubmitButton>
          </ActionForm>
        )}
        {canAdmin && (
          <Card
            title="Add a target"
            description={
              "Credentials are stored encrypted and never shown again; S3 endpoints and git remotes must be " +
              "public https (or ssh) hosts."
            }
          >
            <div className="space-y-6">
              {(["directory", "git", "s3"] as const).map((kind) => (
                <details key={kind}>
                  <summary className="cursor-pointer text-sm font-medium">{KIND_LABEL[kind]}</summary>
                  <ActionForm action={addMirrorTargetAction} resetOnSuccess aria-label={`Add ${KIND_LABEL[kind]}`}>
                    <TargetFields kind={kind} idPrefix={`new-${kind}`} dirRoot={dirRoot} />
                    <SubmitButton pendingLabel="Adding…">Add {KIND_LABEL[kind].toLowerCase()}</SubmitButton>
                  </ActionForm>
                </details>
              ))}
            </div>
          </Card>
        )}
      </div>
    </>
  );
}

const labelOf = (t: ConsoleTarget) => configLabel(t.kind, t.settings);

function TargetCard({
  kind,
  label,
  status: t,
  tz,
  children,
}: {
  kind: Kind;
  label: string;
  status: TargetStatus | undefined;
  tz: string;
  children: React.ReactNode;
}) {
  return (
    <Card title={`${KIND_LABEL[kind]}: ${label}`}>
      <dl className="mb-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-600 dark:text-zinc-400">Last push</dt>
        <dd>
          {t?.pushedAt
            ? `${formatDateTime(t.pushedAt, tz)}: version ${t.pushedVersion}, ` +
              `${t.lastUploaded} files uploaded, ${t.lastDeleted} removed`
            : "Never"}
        </dd>
        <dt className="text-zinc-600 dark:text-zinc-400">Lag</dt>
        <dd>
          {!t
            ? "Not pushed yet"
            : t.behind
              ? `${t.behind} version(s) behind for ${formatDuration(t.lagMs)}`
              : "Up to date"}
        </dd>
        <dt className="text-zinc-600 dark:text-zinc-400">Last error</dt>
        <dd className={t?.lastError ? "text-red-700 dark:text-red-400" : ""}>
          {t?.lastError ? `${t.lastErrorAt ? `${formatDateTime(t.lastErrorAt, tz)}: ` : ""}${t.lastError}` : "None"}
        </dd>
      </dl>
      {children}
    </Card>
  );
}

function PushNow({ id }: { id: string }) {
  return (
    <ActionForm action={pushMirrorTargetAction} aria-label="Push now">
      <input type="hidden" name="id" value={id} />
      <SubmitButton pendingLabel="Queuing…">Push now</SubmitButton>
    </ActionForm>
  );
}

/** The fields of one kind; on an edit, credentials are blank and say that blank keeps them. */
function TargetFields({
  kind,
  idPrefix,
  target,
  dirRoot,
}: {
  kind: Kind;
  idPrefix: string;
  target?: ConsoleTarget;
  dirRoot: string | undefined;
}) {
  const s = target?.settings ?? {};
  const id = (name: string) => `${idPrefix}-${name}`;
  const kept = target?.hasCredentials ? "Saved and hidden; leave blank to keep it." : undefined;
  const text = (name: string, label: string, hint?: string, props: Record<string, unknown> = {}) => (
    <FormField label={label} name={name} id={id(name)} hint={hint}>
      <Input name={name} id={id(name)} defaultValue={s[name] ?? ""} {...props} />
    </FormField>
  );
  const secret = (name: string, label: string, hint?: string) => (
    <FormField label={label} name={name} id={id(name)} hint={kept ?? hint}>
      <Input name={name} id={id(name)} type="password" autoComplete="off" defaultValue="" />
    </FormField>
  );
  return (
    <>
      <input type="hidden" name="kind" value={kind} />
      {kind === "directory" &&
        text(
          "path",
          "Folder",
          dirRoot
            ? `A folder inside ${dirRoot} (the operator's HERALD_MIRROR_DIR_ROOT), e.g. “status”.`
            : "The operator must set HERALD_MIRROR_DIR_ROOT (the folder targets must be in) first.",
          { required: true, maxLength: 500 },
        )}
      {kind === "git" && (
        <>
          {text("url", "Remote", "https://github.com/acme/status.git or git@github.com:acme/status.git", {
            required: true,
            maxLength: 500,
          })}
          {text("branch", "Branch", "GitHub Pages: gh-pages; GitLab: pages; Codeberg: pages.", {
            required: true,
            maxLength: 100,
            defaultValue: s.branch ?? "gh-pages",
          })}
          <FormField label="Sign in with" name="auth" id={id("auth")}>
            <Select name="auth" id={id("auth")} defaultValue={s.auth ?? "token"}>
              <option value="token">An access token (https)</option>
              <option value="ssh">A deploy key (ssh)</option>
              <option value="none">Nothing (the remote needs no sign-in)</option>
            </Select>
          </FormField>
          {text("username", "Token user name", "Leave blank for GitHub (x-access-token); GitLab: oauth2.", {
            maxLength: 100,
          })}
          {secret("token", "Access token", "A token allowed to push to the repository.")}
          <FormField
            label="Deploy key"
            name="sshKey"
            id={id("sshKey")}
            hint={kept ?? "The private key, PEM or OpenSSH."}
          >
            <Textarea name="sshKey" id={id("sshKey")} rows={3} autoComplete="off" defaultValue="" />
          </FormField>
        </>
      )}
      {kind === "s3" && (
        <>
          {text("endpoint", "Endpoint", "Blank for AWS; e.g. https://<account>.r2.cloudflarestorage.com", {
            maxLength: 500,
          })}
          {text("bucket", "Bucket", undefined, { required: true, maxLength: 63 })}
          {text("region", "Region", "e.g. us-east-1; R2: auto.", { maxLength: 50, defaultValue: s.region ?? "auto" })}
          {text("prefix", "Key prefix", "Optional, e.g. status/", { maxLength: 200 })}
          {secret("accessKeyId", "Access key id")}
          {secret("secretAccessKey", "Secret access key")}
        </>
      )}
    </>
  );
}
