// `herald seed-demo`: a realistic demo page ("Acme Cloud") with 90 days of
// history. Everything is written through the real use cases with a clock that
// walks forward, so the demo has exactly the rows real use would leave:
// component_status_change history for uptime bars, incident caches, audit rows.
//
// The story (what happened) is data in story.ts; this file is the runner. The
// seed is a list of chapters; each turns part of the story into dated events,
// and all events run in time order. A later feature adds its own chapter to
// CHAPTERS.
import { and, count, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { ComponentStatus } from "@/db/constants";
import { auditLog, component, incident, subscriber, user } from "@/db/schema";
import { audit } from "../audit";
import { createComponent, createGroup, updateComponent } from "../components/components";
import { CLI_ACTOR, type Actor, type Ctx } from "../context";
import { ConflictError } from "../errors";
import { createIncident, postIncidentUpdate } from "../incidents/incidents";
import { publishPostmortem, savePostmortemDraft } from "../incidents/postmortem";
import { addIncidentNote, setIncidentPractice } from "../incidents/practice";
import { createMaintenance, postMaintenanceUpdate } from "../maintenance/maintenance";
import { getPage, updatePage } from "../page/page";
import { addSubscriber } from "../subscribers/admin";
import { createTemplate } from "../templates/templates";
import {
  BACKFILLED,
  BLIPS,
  GROUPS,
  HISTORY,
  MAINTENANCES,
  OPEN_INCIDENT,
  OPEN_INCIDENT_PRACTICE,
  PAGE,
  POSTMORTEM,
  SUBSCRIBERS,
  TEMPLATES,
  type Key,
  type StoryIncident,
} from "./story";

export interface SeedOptions {
  /** Add the demo even though the page already has components or incidents of its own. */
  force: boolean;
  /** Real time: the newest seeded update is posted at this moment. */
  now: Date;
  /** The page's public URL (the demo links to it from feeds and emails). */
  publicUrl: string;
  /** HERALD_SECRET: subscriber links are issued with it. Without it the demo has no subscribers. */
  secret?: string;
}

export interface SeedResult {
  seeded: boolean;
  message: string;
}

/** The audit action that marks a page as seeded; a second run finds it and stops. */
export const SEED_MARKER_ACTION = "demo.seed";
export const SEED_ACTOR: Actor = { ...CLI_ACTOR, label: "cli (seed-demo)" };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const SEED_DAYS = 90;

interface SeedState {
  ctx: Ctx;
  now: Date;
  startOfHistory: Date;
  publicUrl: string;
  secret: string | undefined;
  /** Whether the page had nothing before: only then are its settings replaced. */
  freshPage: boolean;
  /** Filled by the components chapter, which runs before anything refers to it. */
  components: Map<Key, string>;
  /** Incident ids by story name, filled as each story's first update is posted. */
  incidents: Map<string, string>;
}

interface SeedEvent {
  at: Date;
  run: () => Promise<unknown>;
}

type Chapter = (s: SeedState) => SeedEvent[];

function historyTime(now: Date, daysAgo: number, time: string): Date {
  const [h, m] = time.split(":").map(Number);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - daysAgo * DAY + h * HOUR + m * MINUTE);
}

const fromNow = (s: SeedState, minutes: number) => new Date(s.now.getTime() + minutes * MINUTE);
const after = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MINUTE);
const storyStart = (s: SeedState, story: StoryIncident) =>
  "minutesAgo" in story.start
    ? fromNow(s, -story.start.minutesAgo)
    : historyTime(s.now, story.start.daysAgo, story.start.time);
const ids = (s: SeedState, keys: Key[]) => keys.map((k) => s.components.get(k)!);

function componentMap(
  s: SeedState,
  statuses: Partial<Record<Key, ComponentStatus>> = {},
): Record<string, ComponentStatus> {
  return Object.fromEntries(Object.entries(statuses).map(([key, status]) => [s.components.get(key as Key)!, status]));
}

const settings: Chapter = (s) =>
  s.freshPage ? [{ at: s.startOfHistory, run: () => updatePage(s.ctx, { ...PAGE, url: s.publicUrl }) }] : [];

const components: Chapter = (s) => [
  {
    at: s.startOfHistory,
    run: async () => {
      for (const g of GROUPS) {
        const group = await createGroup(s.ctx, { name: g.name, description: g.description });
        for (const c of g.components)
          s.components.set(
            c.key,
            (await createComponent(s.ctx, { name: c.name, description: c.description, groupId: group.id })).id,
          );
      }
    },
  },
];

/** Incidents, each update posted when it happened, and the one still open. */
const incidents: Chapter = (s) => {
  const events: SeedEvent[] = [];
  for (const story of [...HISTORY, OPEN_INCIDENT]) {
    const start = storyStart(s, story);
    for (const [i, u] of story.updates.entries()) {
      events.push({
        at: after(start, u.at),
        run: async () => {
          const fields = { status: u.status, body: u.body, components: componentMap(s, u.components) };
          if (i === 0)
            s.incidents.set(story.name, (await createIncident(s.ctx, { name: story.name, ...fields })).incident.id);
          else await postIncidentUpdate(s.ctx, { incidentId: s.incidents.get(story.name)!, ...fields });
        },
      });
    }
  }
  events.push({
    at: historyTime(s.now, BACKFILLED.recorded.daysAgo, BACKFILLED.recorded.time),
    run: () =>
      createIncident(s.ctx, {
        name: BACKFILLED.name,
        body: BACKFILLED.body,
        components: componentMap(s, BACKFILLED.components),
        backfilled: true,
        backfillDate: historyTime(s.now, BACKFILLED.happened.daysAgo, BACKFILLED.happened.time),
      }),
  });
  return events;
};

/** Urgency, an owner (the page's owner, when one exists yet) and an internal note on the open incident. */
const practice: Chapter = (s) => {
  const start = storyStart(s, OPEN_INCIDENT);
  const incidentId = () => s.incidents.get(OPEN_INCIDENT.name)!;
  return [
    {
      at: after(start, 5),
      run: async () => {
        const owner = await s.ctx.db.query.user.findFirst({ where: eq(user.role, "owner"), columns: { id: true } });
        await setIncidentPractice(s.ctx, {
          incidentId: incidentId(),
          urgency: OPEN_INCIDENT_PRACTICE.urgency,
          ownerUserId: owner?.id ?? null,
        });
      },
    },
    {
      at: after(start, OPEN_INCIDENT_PRACTICE.note.at),
      run: () => addIncidentNote(s.ctx, { incidentId: incidentId(), body: OPEN_INCIDENT_PRACTICE.note.body }),
    },
  ];
};

const postmortem: Chapter = (s) => {
  const story = HISTORY.find((h) => h.name === POSTMORTEM.incident)!;
  const start = storyStart(s, story);
  const resolved = after(start, story.updates.at(-1)!.at);
  const utc = new Intl.DateTimeFormat("en-GB", {
    timeZone: "UTC",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const timeline = POSTMORTEM.timeline.map(([at, what]) => `- **${utc.format(after(start, at))}**: ${what}`).join("\n");
  const incidentId = () => s.incidents.get(POSTMORTEM.incident)!;
  return [
    {
      at: after(resolved, POSTMORTEM.draftedDaysAfterResolved * 24 * 60),
      run: () => savePostmortemDraft(s.ctx, { incidentId: incidentId(), body: POSTMORTEM.body(timeline) }),
    },
    {
      at: after(resolved, POSTMORTEM.publishedDaysAfterResolved * 24 * 60),
      run: () => publishPostmortem(s.ctx, { incidentId: incidentId(), notify: false }),
    },
  ];
};

const templates: Chapter = (s) => [
  {
    at: historyTime(s.now, 88, "15:00"),
    run: async () => {
      for (const t of TEMPLATES) await createTemplate(s.ctx, t);
    },
  },
];

const blips: Chapter = (s) =>
  BLIPS.flatMap((b) => {
    const at = historyTime(s.now, b.daysAgo, b.time);
    const id = () => s.components.get(b.key)!;
    return [
      // History, not news: nobody is notified of a past blip.
      { at, run: () => updateComponent(s.ctx, { id: id(), status: b.status, notify: false }) },
      {
        at: new Date(at.getTime() + b.minutes * MINUTE),
        run: () => updateComponent(s.ctx, { id: id(), status: "operational", notify: false }),
      },
    ];
  });

/** Announced ahead, then started and ended by hand (the scheduler would do it on a running server). */
const maintenances: Chapter = (s) =>
  MAINTENANCES.flatMap((m) => {
    let maintenanceId = "";
    return [
      {
        at: fromNow(s, m.announced),
        run: async () => {
          const [scheduledFor, scheduledUntil] = m.window.map((min) => fromNow(s, min));
          maintenanceId = (
            await createMaintenance(s.ctx, {
              name: m.name,
              body: m.body,
              componentIds: ids(s, m.keys),
              scheduledFor,
              scheduledUntil,
              remindMinutes: 60,
            })
          ).maintenance.id;
        },
      },
      ...m.updates.map((u) => ({
        at: fromNow(s, u.at),
        run: () => postMaintenanceUpdate(s.ctx, { maintenanceId, status: u.status, body: u.body }),
      })),
    ];
  });

const subscribers: Chapter = (s) => {
  const { secret } = s;
  if (!secret) return [];
  return [
    {
      at: historyTime(s.now, 80, "12:00"),
      run: async () => {
        for (const sub of SUBSCRIBERS)
          await addSubscriber(s.ctx, secret, {
            email: sub.email,
            componentIds: ids(s, sub.keys),
            skipConfirmation: true,
          });
      },
    },
  ];
};

// Order matters only for events at the same moment: settings and components come first.
const CHAPTERS: Chapter[] = [
  settings,
  components,
  subscribers,
  templates,
  incidents,
  practice,
  postmortem,
  blips,
  maintenances,
];

/** Runs every chapter's events in time order with the seed's clock set to each event's time. */
async function runChapters(s: SeedState, setClock: (at: Date) => void): Promise<void> {
  const events = CHAPTERS.flatMap((chapter) => chapter(s));
  // A stable sort keeps an incident's updates in story order when two share a minute.
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const e of events) {
    setClock(e.at);
    await e.run();
  }
}

async function findMarker(db: Db, pageId: string) {
  return db.query.auditLog.findFirst({
    where: and(eq(auditLog.pageId, pageId), eq(auditLog.action, SEED_MARKER_ACTION)),
  });
}

async function hasOwnData(db: Db, pageId: string): Promise<boolean> {
  const [c] = await db
    .select({ n: count() })
    .from(component)
    .where(and(eq(component.pageId, pageId), isNull(component.deletedAt)));
  const [i] = await db.select({ n: count() }).from(incident).where(eq(incident.pageId, pageId));
  const [sub] = await db.select({ n: count() }).from(subscriber).where(eq(subscriber.pageId, pageId));
  return c.n + i.n + sub.n > 0;
}

/**
 * Seeds the demo once per page. A page that was seeded before is left alone;
 * a page with components, incidents or subscribers of its own is refused
 * unless `force`. Not one transaction (it runs many use cases): a seed that
 * fails halfway leaves a partial demo, which a second run refuses as own data.
 */
export async function seedDemo(db: Db, options: SeedOptions): Promise<SeedResult> {
  const p = await getPage(db);
  const marker = await findMarker(db, p.id);
  if (marker)
    return { seeded: false, message: `The demo was already seeded on ${marker.at.toISOString()}; nothing changed.` };
  const ownData = await hasOwnData(db, p.id);
  if (ownData && !options.force) {
    throw new ConflictError(
      "This page already has components, incidents or subscribers of its own. Run seed-demo --force to add the demo " +
        "next to them.",
    );
  }
  let clock = 0;
  const ctx: Ctx = { db, actor: SEED_ACTOR, now: () => new Date(clock) };
  const setClock = (at: Date) => {
    if (at.getTime() < clock) throw new Error(`seed clock moved backwards to ${at.toISOString()}`);
    clock = at.getTime();
  };
  const state: SeedState = {
    ctx,
    now: options.now,
    startOfHistory: historyTime(options.now, SEED_DAYS, "00:00"),
    publicUrl: options.publicUrl,
    secret: options.secret,
    freshPage: !ownData,
    components: new Map(),
    incidents: new Map(),
  };
  await runChapters(state, setClock);
  setClock(options.now);
  await db.transaction((tx) =>
    audit(tx, ctx, {
      pageId: p.id,
      action: SEED_MARKER_ACTION,
      entityType: "page",
      entityId: p.id,
      after: { components: state.components.size, days: SEED_DAYS },
    }),
  );
  return {
    seeded: true,
    message:
      `Seeded the ${PAGE.name} demo: ${state.components.size} components in ${GROUPS.length} groups, ` +
      `${HISTORY.length + 2} incidents over ${SEED_DAYS} days (one still open, one with a published postmortem), ` +
      `${MAINTENANCES.length} maintenances, ${TEMPLATES.length} incident templates, ` +
      `${options.secret ? SUBSCRIBERS.length : 0} subscribers.`,
  };
}
