import { notFound } from "next/navigation";
import { requireConsolePage } from "@/app/_server/auth";
import { listAudiences } from "@/lib/audiences/audiences";
import { listIncidentNotes, loadCommsView } from "@/lib/incidents/practice";
import { getConsoleIncident } from "@/lib/incidents/queries";
import { isClosedStatus } from "@/lib/status/rules";
import { listUsers } from "@/lib/users/users";
import { pickerComponents } from "../load-components";
import { prefillNotice, templatePrefill, type SearchParams } from "../template-prefill";
import { AffectedCard } from "./affected-card";
import { DeleteCard } from "./delete-card";
import { DetailsCard } from "./details-card";
import { IncidentHeader } from "./header";
import { NotesCard } from "./notes-card";
import { OwnerCard } from "./owner-card";
import { PublishDraftCard } from "./publish-draft-card";
import { PostUpdateCard } from "./post-update-card";
import { PostmortemCard } from "./postmortem-card";
import { ResolveCard } from "./resolve-card";
import { TimelineCard } from "./timeline";

export const metadata = { title: "Incident · Herald" };

export default async function IncidentPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { id } = await params;
  const { ctx, page, canEdit, canAdmin } = await requireConsolePage();
  const incident = await getConsoleIncident(ctx.db, page.id, id);
  if (!incident) notFound();
  const closed = isClosedStatus(incident.status);
  const components = canEdit ? await pickerComponents(ctx.db, page.id) : [];
  const tz = page.timeZone;
  const now = new Date();
  const query = await searchParams;
  // "Use template" values belong to the timeline they were picked for: once an update is posted, the form starts fresh.
  const forThisTimeline = query.prefillFor === String(incident.updates.length);
  const [{ templates, prefill }, notes, team, comms, audiences] = await Promise.all([
    canEdit && forThisTimeline
      ? templatePrefill(ctx.db, page, components, query, {
          name: incident.name,
          componentIds: incident.components.map((c) => c.id),
        })
      : canEdit
        ? templatePrefill(ctx.db, page, components, {})
        : { templates: [], prefill: null },
    listIncidentNotes(ctx.db, incident.id),
    listUsers(ctx.db),
    closed ? [] : loadCommsView(ctx.db, page.id, now),
    canEdit ? listAudiences(ctx.db, page.id) : [],
  ]);
  const due = comms.find((c) => c.id === incident.id);
  const notice = prefill && prefillNotice(prefill, false);
  // "Notify subscribers" starts as this incident's last choice: under stress, the safe default is the one already made.
  const lastNotify = incident.updates.find((u) => !u.publishAt)?.deliverNotifications ?? false;

  return (
    <>
      <IncidentHeader incident={incident} tz={tz} due={due} now={now} />
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          {canEdit && incident.publishedAt && (
            <PostUpdateCard
              incident={incident}
              components={components}
              templates={templates}
              prefill={prefill}
              notice={notice}
              closed={closed}
              lastNotify={lastNotify}
              tz={tz}
              now={now}
              audiences={audiences.map((a) => ({ id: a.id, name: a.name }))}
            />
          )}
          <TimelineCard incident={incident} timeZone={tz} canEdit={canEdit} />
          {(closed || canEdit) && (
            <PostmortemCard
              pm={incident.postmortem}
              closed={closed}
              canEdit={canEdit}
              timeZone={tz}
              notify={lastNotify}
            />
          )}
        </div>
        <div className="space-y-6">
          {canEdit && !incident.publishedAt && !incident.publishAt && <PublishDraftCard incident={incident} />}
          {canEdit && incident.publishedAt && (
            <ResolveCard incident={incident} closed={closed} lastNotify={lastNotify} tz={tz} />
          )}
          <OwnerCard incident={incident} team={team} canEdit={canEdit} />
          <NotesCard incidentId={incident.id} notes={notes} canEdit={canEdit} timeZone={tz} />
          <AffectedCard incident={incident} />
          {canEdit && <DetailsCard incident={incident} />}
          {canAdmin && <DeleteCard incident={incident} />}
        </div>
      </div>
    </>
  );
}
