import { publishDueIncidents, publishDueUpdates } from "../incidents/scheduled";
import { runMaintenanceTransitions } from "../maintenance/transitions";
import { applyDueAutomation } from "../integrations/engine";
import { rollOverUptimeDay } from "../uptime/rollover";
import { type PollDeps, pollOneVendor } from "../vendors/poll";
import type { PublicCtx } from "../context";
import { mirrorStep, type MirrorDeps } from "../mirror/mirror";
import { deliverOneBatch, type DeliveryDeps } from "./deliver";
import { type ChannelDeliveryDeps, deliverChannelBatch, deliverChannelNotice } from "./deliver-channels";

export type WorkDeps = DeliveryDeps & {
  channels: ChannelDeliveryDeps;
  /** Vendor polling's network policy and deadline (lib/vendors/poll.ts); defaults from the environment. */
  vendor?: PollDeps;
  /** The static mirror (lib/mirror); absent or without targets, the step does nothing. */
  mirror?: MirrorDeps;
};

/**
 * One kind of background work. `run` does one unit (e.g. one batch) and says
 * whether there was anything to do; runDueWork repeats each step until it is
 * idle or the time budget is spent. Maintenance transitions, reminders and
 * scheduled publishing join this list as further steps (DESIGN.md §5).
 */
export interface WorkStep {
  name: string;
  /** Consecutive steps of one group run side by side (email and channel delivery: neither waits for the other). */
  group?: string;
  run(ctx: PublicCtx, deps: WorkDeps): Promise<boolean>;
}

export const STEPS: readonly WorkStep[] = [
  // Transitions first: the outbox rows they write go out in the same run.
  { name: "maintenance", run: async (ctx) => (await runMaintenanceTransitions(ctx)) > 0 },
  { name: "scheduled-publish", run: async (ctx) => (await publishDueIncidents(ctx)) > 0 },
  // After incidents: an update is only ever scheduled on a published incident.
  { name: "scheduled-updates", run: async (ctx) => (await publishDueUpdates(ctx)) > 0 },
  // Monitor alerts whose hold is over (lib/integrations).
  { name: "automation", run: async (ctx) => (await applyDueAutomation(ctx)) > 0 },
  { name: "uptime-rollover", run: async (ctx) => (await rollOverUptimeDay(ctx)) > 0 },
  { name: "deliver-email", group: "deliver", run: deliverOneBatch },
  // Webhook, Slack, Teams and Discord targets, from the same notifications.
  { name: "deliver-channels", group: "deliver", run: deliverChannelBatch },
  // "Your target was disabled" emails to channel owners (channel_notice rows).
  { name: "channel-notices", group: "deliver", run: deliverChannelNotice },
  // Before vendor polling: a slow vendor page must not delay the push (a status it changes goes out on the next pass).
  { name: "mirror", run: async (ctx, deps) => (deps.mirror ? mirrorStep(ctx, deps.mirror) : false) },
  // Last: a slow vendor page (up to its deadline) must not hold up the outbox.
  { name: "vendors", run: (ctx, deps) => pollOneVendor(ctx, deps.vendor) },
];

export interface RunReport {
  /** Units done per step. */
  done: Record<string, number>;
  /** True when the budget ran out with work left. */
  more: boolean;
}

/** Drains everything due, within `budgetMs` of wall time. Safe to run in several processes at once (leases). */
export async function runDueWork(
  ctx: PublicCtx,
  deps: WorkDeps,
  opts: { budgetMs?: number; steps?: readonly WorkStep[] } = {},
): Promise<RunReport> {
  const deadline = Date.now() + (opts.budgetMs ?? 50_000);
  const done: Record<string, number> = {};
  let more = false;
  const phases: WorkStep[][] = [];
  for (const step of opts.steps ?? STEPS) {
    const last = phases.at(-1);
    if (step.group && last?.[0].group === step.group) last.push(step);
    else phases.push([step]);
  }
  const runStep = async (step: WorkStep) => {
    done[step.name] = 0;
    // Several lanes per step keep requests in flight while others are being
    // prepared or recorded, so the pacer (not our own latency) sets the rate.
    // Leases keep lanes apart exactly as they keep processes apart.
    const lane = async () => {
      while (true) {
        if (Date.now() >= deadline) {
          more = true;
          return;
        }
        if (!(await step.run(ctx, deps))) return;
        done[step.name]++;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, lane));
  };
  for (const phase of phases) {
    await Promise.all(phase.map(runStep));
    if (more) return { done, more };
  }
  return { done, more: false };
}
