import { requireUser } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, EmptyState, PageHeader } from "@/components/admin/ui";
import { hasRole } from "@/lib/context";
import { mirrorTargetsFromEnv } from "@/lib/mirror/from-env";
import { mirrorStatus } from "@/lib/mirror/mirror";
import { getPage } from "@/lib/page/page";
import { formatDateTime, formatDuration } from "@/lib/time/format";
import { syncMirrorAction } from "./actions";

export const metadata = { title: "Static mirror · Herald" };
export const dynamic = "force-dynamic";

const KIND_LABEL = { directory: "Directory", git: "Git branch", s3: "S3 bucket" } as const;

export default async function MirrorPage() {
  const { ctx } = await requireUser();
  const targets = mirrorTargetsFromEnv();
  const { timeZone } = await getPage(ctx.db);
  const status = await mirrorStatus(ctx, targets);
  const canAdmin = hasRole(ctx.actor, "admin");

  return (
    <>
      <PageHeader
        title="Static mirror"
        description={
          "Copies of the public status page on hosts that do not share this server's fate, " +
          "pushed after every change."
        }
      />
      {targets.length === 0 ? (
        <EmptyState>
          No mirror target is configured. Set <code>HERALD_MIRROR_DIR</code>, <code>HERALD_MIRROR_GIT_URL</code> or{" "}
          <code>HERALD_MIRROR_S3_BUCKET</code> in the environment (see the README) and restart Herald.
        </EmptyState>
      ) : (
        <div className="max-w-3xl space-y-4">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Content version {status.currentVersion}.{" "}
            {status.job
              ? `${status.job.full ? "A full push" : "A push"} is ` +
                (status.job.leased ? "running" : `queued for ${formatDateTime(status.job.dueAt, timeZone)}`) +
                (status.job.attempts ? ` (${status.job.attempts} failed attempts so far)` : "") +
                "."
              : "Nothing is queued."}
          </p>
          {status.targets.map((t) => (
            <Card key={t.id} title={`${KIND_LABEL[t.kind as keyof typeof KIND_LABEL] ?? t.kind}: ${t.label}`}>
              <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
                <dt className="text-zinc-600 dark:text-zinc-400">Last push</dt>
                <dd>
                  {t.pushedAt
                    ? `${formatDateTime(t.pushedAt, timeZone)}: version ${t.pushedVersion}, ` +
                      `${t.lastUploaded} files uploaded, ${t.lastDeleted} removed`
                    : "Never"}
                </dd>
                <dt className="text-zinc-600 dark:text-zinc-400">Lag</dt>
                <dd>{t.behind ? `${t.behind} version(s) behind for ${formatDuration(t.lagMs)}` : "Up to date"}</dd>
                <dt className="text-zinc-600 dark:text-zinc-400">Last error</dt>
                <dd className={t.lastError ? "text-red-700 dark:text-red-400" : ""}>
                  {t.lastError
                    ? `${t.lastErrorAt ? `${formatDateTime(t.lastErrorAt, timeZone)}: ` : ""}${t.lastError}`
                    : "None"}
                </dd>
              </dl>
            </Card>
          ))}
          {canAdmin && (
            <ActionForm action={syncMirrorAction} aria-label="Push everything">
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                Re-reads every public page and pushes whatever differs (the same as{" "}
                <code>npm run herald -- mirror sync</code>).
              </p>
              <SubmitButton pendingLabel="Queuing…">Push everything now</SubmitButton>
            </ActionForm>
          )}
        </div>
      )}
    </>
  );
}
