// The three inbound shapes, read into one list of alerts. Pure: no database.
//
// - Prometheus Alertmanager's webhook (version "4"): {version, groupKey,
//   status, receiver, groupLabels, commonLabels, commonAnnotations,
//   externalURL, alerts: [{status, labels, annotations, startsAt, endsAt,
//   generatorURL, fingerprint}]}.
// - Grafana alerting's webhook: the same core plus orgId, title, state,
//   message (its version is "1").
// - Generic JSON: {component, status, summary}; status is a component status
//   or "resolved".
import { createHash } from "node:crypto";
import { z } from "zod";
import { COMPONENT_STATUSES, type ComponentStatus } from "@/db/constants";
import { ValidationError } from "../errors";

export type AlertFormat = "alertmanager" | "grafana" | "generic";

export interface InboundAlert {
  /** Stable per alert: the fingerprint, or a hash of the labels. */
  key: string;
  firing: boolean;
  labels: Record<string, string>;
  /** One line for events, draft incidents and the audit log. */
  summary: string;
  /** Longer text for a draft incident's first update. */
  description: string;
  /** Generic payloads name the status themselves; alert payloads take it from the rule. */
  status?: ComponentStatus;
}

export interface InboundPayload {
  format: AlertFormat;
  alerts: InboundAlert[];
}

/** Most alerts one request may carry; Alertmanager truncates groups itself (max_alerts) and says so. */
export const MAX_ALERTS = 500;

const Str = z.string().max(4000);
const Labels = z
  .record(z.string().max(200), z.string().max(1000))
  .refine((l) => Object.keys(l).length <= 100, "Too many labels");

const Alert = z.object({
  status: z.enum(["firing", "resolved"]),
  labels: Labels,
  annotations: Labels.optional().default({}),
  fingerprint: z.string().max(200).optional(),
});

const AlertGroup = z.object({
  version: z.string().max(20).optional(),
  status: z.enum(["firing", "resolved"]),
  orgId: z.number().optional(),
  state: z.string().max(100).optional(),
  title: Str.optional(),
  message: z.string().max(100_000).optional(),
  commonLabels: Labels.optional().default({}),
  commonAnnotations: Labels.optional().default({}),
  alerts: z.array(Alert).max(MAX_ALERTS, `At most ${MAX_ALERTS} alerts per request`),
});

const Generic = z.strictObject({
  component: z.string().trim().min(1, "component is required").max(255),
  status: z.enum([...COMPONENT_STATUSES, "resolved"], {
    error: `status must be one of ${[...COMPONENT_STATUSES, "resolved"].join(", ")}`,
  }),
  summary: z.string().trim().max(1000).optional().default(""),
});

const oneLine = (s: string, max = 255) => s.replace(/\s+/g, " ").trim().slice(0, max);

function labelKey(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return `l:${createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 32)}`;
}

function issuesOf(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.length ? `${first.path.join(".")}: ` : ""}${first.message}` : "Invalid payload";
}

/** Reads a parsed JSON body; anything else is a ValidationError that changes nothing. */
export function readPayload(body: unknown): InboundPayload {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ValidationError("The body must be a JSON object");
  if ("alerts" in body) {
    const parsed = AlertGroup.safeParse(body);
    if (!parsed.success) throw new ValidationError(`Not an Alertmanager or Grafana payload: ${issuesOf(parsed.error)}`);
    const g = parsed.data;
    // Grafana sends orgId (and state/title); Alertmanager never does.
    const format: AlertFormat = g.orgId !== undefined || g.state !== undefined ? "grafana" : "alertmanager";
    return {
      format,
      alerts: g.alerts.map((a) => {
        const labels = { ...g.commonLabels, ...a.labels };
        const annotations = { ...g.commonAnnotations, ...a.annotations };
        const name = labels.alertname ?? g.title ?? "Alert";
        const summary = oneLine(annotations.summary || annotations.description || name);
        return {
          key: a.fingerprint ? `f:${a.fingerprint}` : labelKey(labels),
          firing: a.status === "firing",
          labels,
          summary,
          description: (annotations.description || annotations.summary || name).slice(0, 4000),
        };
      }),
    };
  }
  const parsed = Generic.safeParse(body);
  if (!parsed.success)
    throw new ValidationError(`Not a generic payload ({component, status, summary}): ${issuesOf(parsed.error)}`);
  const g = parsed.data;
  const firing = g.status !== "resolved" && g.status !== "operational";
  const summary = oneLine(g.summary || `${g.component} ${g.status}`);
  return {
    format: "generic",
    alerts: [
      {
        key: `g:${g.component}`,
        firing,
        labels: { component: g.component },
        summary,
        description: g.summary || summary,
        status: firing ? (g.status as ComponentStatus) : undefined,
      },
    ],
  };
}

/** Parses the raw body text (already capped by the edge). */
export function parsePayload(text: string): InboundPayload {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ValidationError("The body is not valid JSON");
  }
  return readPayload(body);
}
