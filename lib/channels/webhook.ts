// Statuspage's webhook shapes (REFERENCE.md): `meta` (added per target at send
// time: unsubscribe, documentation, generated_at), `page` with the overall
// status, then the incident object (Statuspage v1 fields, updates newest first),
// or, for a component status change, `component_update` + `component`.
import type { ChannelAdapter } from "./types";

export const webhookAdapter: ChannelAdapter = {
  kind: "webhook",
  renderEvent(ev) {
    return JSON.stringify({
      page: { id: ev.pageId, status_indicator: ev.overall.indicator, status_description: ev.overall.description },
      // Not in Statuspage's body; lets a receiver tell a reminder from an update of the same maintenance.
      herald_event: ev.kind,
      incident: ev.incident,
    });
  },
  renderComponent(ev) {
    return JSON.stringify({
      page: { id: ev.pageId, status_indicator: ev.overall.indicator, status_description: ev.overall.description },
      herald_event: ev.kind,
      component_update: ev.component_update,
      component: ev.component,
    });
  },
  renderNotice(n) {
    return JSON.stringify({
      page: { id: n.pageId, name: n.pageName, url: n.root },
      herald_event: n.type,
      message: `${n.title}. ${n.text}`,
      ...(n.code ? { verification: { code: n.code } } : {}),
    });
  },
};

/**
 * The request body for one target: the stored body with this target's `meta`
 * first. `generatedAt` is the notification's time, so a retry is byte-identical.
 */
export function withMeta(
  stored: string,
  meta: { unsubscribe: string; documentation: string; generatedAt: Date },
): string {
  const head = JSON.stringify({
    unsubscribe: meta.unsubscribe,
    documentation: meta.documentation,
    generated_at: meta.generatedAt.toISOString(),
  });
  return `{"meta":${head},${stored.slice(1)}`;
}
