import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/time";
import { Card, Checkbox, ConfirmForm, EmptyState, FormField, PageHeader, ReadOnlyNotice } from "@/components/admin/ui";
import { Input, Select } from "@/components/ui/form";
import { COMPONENT_STATUSES, COMPONENT_STATUS_LABELS } from "@/db/constants";
import { listComponents } from "@/lib/components/components";
import { listIntegrations, type IntegrationView } from "@/lib/integrations/integrations";
import {
  addRuleAction,
  createIntegrationAction,
  deleteIntegrationAction,
  deleteRuleAction,
  rotateIntegrationAction,
  testAlertAction,
  updateIntegrationAction,
} from "./actions";

export const metadata = { title: "Integrations · Herald" };

const MODE_LABELS = { none: "No incident", draft: "Open a draft incident", publish: "Publish an incident" } as const;

export default async function IntegrationsPage() {
  const { ctx, page, canAdmin } = await requireConsolePage();
  const integrations = await listIntegrations(ctx.db, page.id);
  const components = await listComponents(ctx.db, page.id);
  const tz = page.timeZone;

  return (
    <>
      <PageHeader
        title="Integrations"
        description={
          <>
            Monitors set component statuses: Prometheus Alertmanager, Grafana alerting, or any tool that can POST{" "}
            <code className="font-mono">{"{component, status, summary}"}</code>. A firing alert sets the component a
            rule names; a resolved one returns it to operational, unless an incident is open on it. Changes wait out the
            hold, so an alert that flaps changes nothing. Nobody is notified unless a rule publishes an incident that
            says so.
          </>
        }
      />
      {!canAdmin && <ReadOnlyNotice>Only admins can change integrations.</ReadOnlyNotice>}
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          {integrations.length ? (
            integrations.map((i) => (
              <IntegrationCard key={i.integration.id} view={i} components={components} canAdmin={canAdmin} tz={tz} />
            ))
          ) : (
            <Card>
              <EmptyState>No integrations yet.</EmptyState>
            </Card>
          )}
        </div>
        {canAdmin && (
          <Card
            title="Add an integration"
            description="Its URL is shown once, right after creating it; only a hash of its secret part is stored."
          >
            <ActionForm action={createIntegrationAction} resetOnSuccess aria-label="Add an integration">
              <FormField
                label="Name"
                name="name"
                id="new-integration-name"
                hint="Where alerts come from, e.g. “Prometheus (prod)”."
              >
                <Input name="name" id="new-integration-name" required maxLength={100} />
              </FormField>
              <FormField
                label="Hold (seconds)"
                name="holdSeconds"
                id="new-integration-holdSeconds"
                hint="A change is applied only if still wanted this long after it was asked for. 0 applies at once."
              >
                <Input
                  name="holdSeconds"
                  id="new-integration-holdSeconds"
                  type="number"
                  min={0}
                  max={3600}
                  defaultValue={120}
                />
              </FormField>
              <FormField
                label="Requests per minute"
                name="perMinute"
                id="new-integration-perMinute"
                hint="More are answered 429 with Retry-After."
              >
                <Input
                  name="perMinute"
                  id="new-integration-perMinute"
                  type="number"
                  min={1}
                  max={6000}
                  defaultValue={60}
                />
              </FormField>
              <SubmitButton pendingLabel="Creating…">Create integration</SubmitButton>
            </ActionForm>
          </Card>
        )}
      </div>
    </>
  );
}

function IntegrationCard({
  view,
  components,
  canAdmin,
  tz,
}: {
  view: IntegrationView;
  components: { id: string; name: string }[];
  canAdmin: boolean;
  tz: string;
}) {
  const i = view.integration;
  return (
    <Card
      title={i.name}
      id={`integration-${i.id}`}
      description={
        <>
          <code className="font-mono">/api/integrations/{i.id}/…</code> · hold {i.holdSeconds} s · {i.perMinute}{" "}
          requests/minute · last event {i.lastEventAt ? formatDateTime(i.lastEventAt, tz) : "never"}
        </>
      }
    >
      <section aria-label={`Rules of ${i.name}`} className="space-y-3">
        <h3 className="text-sm font-semibold">Rules</h3>
        {view.rules.length ? (
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left text-xs uppercase tracking-wide text-zinc-500">
                <th className="py-1 pr-3 font-medium">When labels are</th>
                <th className="py-1 pr-3 font-medium">Component</th>
                <th className="py-1 pr-3 font-medium">While firing</th>
                <th className="py-1 pr-3 font-medium">Incident</th>
                <th className="py-1 font-medium">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {view.rules.map((r) => (
                <tr key={r.id}>
                  <td className="py-1 pr-3 font-mono text-xs">
                    {Object.entries(r.match)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(", ")}
                  </td>
                  <td className="py-1 pr-3">{r.componentName}</td>
                  <td className="py-1 pr-3">{COMPONENT_STATUS_LABELS[r.status]}</td>
                  <td className="py-1 pr-3">
                    {MODE_LABELS[r.incidentMode]}
                    {r.notify ? " (notifies)" : ""}
                  </td>
                  <td className="py-1">
                    {canAdmin && (
                      <ActionForm
                        action={deleteRuleAction}
                        quiet
                        className=""
                        aria-label={`Remove rule ${Object.keys(r.match).join(",")}`}
                      >
                        <input type="hidden" name="integrationId" value={i.id} />
                        <input type="hidden" name="ruleId" value={r.id} />
                        <SubmitButton variant="secondary" pendingLabel="Removing…">
                          Remove
                        </SubmitButton>
                      </ActionForm>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-zinc-500">
            No rules: only generic payloads naming a component by id or name do anything.
          </p>
        )}
        {canAdmin && (
          <details className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
            <summary className="cursor-pointer text-sm font-medium">Add a rule</summary>
            <ActionForm
              action={addRuleAction}
              resetOnSuccess
              className="mt-3 grid gap-3 sm:grid-cols-2"
              aria-label={`Add a rule to ${i.name}`}
            >
              <input type="hidden" name="integrationId" value={i.id} />
              <FormField
                label="When the alert's labels are"
                name="match"
                id={`${i.id}-match`}
                hint="label=value pairs, all must match, e.g. alertname=ApiDown, service=api"
                className="sm:col-span-2"
              >
                <Input name="match" id={`${i.id}-match`} required placeholder="alertname=ApiDown, severity=critical" />
              </FormField>
              <FormField label="Component" name="componentId" id={`${i.id}-componentId`}>
                <Select name="componentId" id={`${i.id}-componentId`} required>
                  {components.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </Select>
              </FormField>
              <FormField label="Status while firing" name="status" id={`${i.id}-status`}>
                <Select name="status" id={`${i.id}-status`} defaultValue="major_outage">
                  {COMPONENT_STATUSES.filter((s) => s !== "operational").map((s) => (
                    <option key={s} value={s}>
                      {COMPONENT_STATUS_LABELS[s]}
                    </option>
                  ))}
                </Select>
              </FormField>
              <FormField
                label="Incident"
                name="incidentMode"
                id={`${i.id}-incidentMode`}
                hint="A draft waits on the Incidents page for a person to publish it."
              >
                <Select name="incidentMode" id={`${i.id}-incidentMode`} defaultValue="none">
                  {Object.entries(MODE_LABELS).map(([v, l]) => (
                    <option key={v} value={v}>
                      {l}
                    </option>
                  ))}
                </Select>
              </FormField>
              <Checkbox
                name="notify"
                id={`${i.id}-notify`}
                label="Notify subscribers"
                hint="Tells subscribers who chose component changes of each change; a published incident notifies too."
              />
              <div className="sm:col-span-2">
                <SubmitButton pendingLabel="Adding…">Add rule</SubmitButton>
              </div>
            </ActionForm>
          </details>
        )}
      </section>

      {canAdmin && (
        <section aria-label={`Test ${i.name}`} className="mt-6 space-y-2">
          <h3 className="text-sm font-semibold">Send a test alert</h3>
          <ActionForm action={testAlertAction} className="space-y-3" aria-label={`Send a test alert to ${i.name}`}>
            <input type="hidden" name="id" value={i.id} />
            {/* The result shows above, full width; the fields sit in a row. */}
            <div className="grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-start">
              <FormField
                label="Labels"
                name="labels"
                id={`${i.id}-labels`}
                hint="Shows what the rules would do; nothing changes."
              >
                <Input name="labels" id={`${i.id}-labels`} required placeholder="alertname=ApiDown" />
              </FormField>
              <FormField label="State" name="state" id={`${i.id}-state`}>
                <Select name="state" id={`${i.id}-state`} defaultValue="firing">
                  <option value="firing">Firing</option>
                  <option value="resolved">Resolved</option>
                </Select>
              </FormField>
              <SubmitButton variant="secondary" pendingLabel="Testing…" className="sm:mt-6">
                Send test alert
              </SubmitButton>
            </div>
          </ActionForm>
        </section>
      )}

      <section aria-label={`Events of ${i.name}`} className="mt-6 space-y-2">
        <h3 className="text-sm font-semibold">Last events</h3>
        {view.events.length ? (
          <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" data-testid="integration-events">
            {view.events.map((e) => (
              <li key={e.id} className="py-2">
                <div className="text-xs text-zinc-500">
                  {formatDateTime(e.at, tz)} · {e.test ? "test alert" : e.format} · {e.alerts} alert
                  {e.alerts === 1 ? "" : "s"}
                </div>
                <ul className="mt-1 list-disc pl-5">
                  {e.outcome.map((line, n) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: lines of an event never change
                    <li key={`${e.id}-${n}`}>{line}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-zinc-500">Nothing received yet.</p>
        )}
      </section>

      {canAdmin && (
        <details className="mt-6 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
          <summary className="cursor-pointer text-sm font-medium">Settings</summary>
          <div className="mt-3 space-y-4">
            <ActionForm
              action={updateIntegrationAction}
              className="grid gap-3 sm:grid-cols-3 sm:items-end"
              aria-label={`Settings of ${i.name}`}
            >
              <input type="hidden" name="id" value={i.id} />
              <FormField label="Name" name="name" id={`${i.id}-name`}>
                <Input name="name" id={`${i.id}-name`} required maxLength={100} defaultValue={i.name} />
              </FormField>
              <FormField label="Hold (seconds)" name="holdSeconds" id={`${i.id}-holdSeconds`}>
                <Input
                  name="holdSeconds"
                  id={`${i.id}-holdSeconds`}
                  type="number"
                  min={0}
                  max={3600}
                  defaultValue={i.holdSeconds}
                />
              </FormField>
              <FormField label="Requests per minute" name="perMinute" id={`${i.id}-perMinute`}>
                <Input
                  name="perMinute"
                  id={`${i.id}-perMinute`}
                  type="number"
                  min={1}
                  max={6000}
                  defaultValue={i.perMinute}
                />
              </FormField>
              <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
            </ActionForm>
            <ConfirmForm
              action={rotateIntegrationAction}
              fields={{ id: i.id }}
              label={`New URL for ${i.name}`}
              summary="Make a new URL"
              confirmLabel="Make a new URL"
              warning="The current URL stops working at once; update your monitor."
            />
            <ConfirmForm
              action={deleteIntegrationAction}
              fields={{ id: i.id }}
              label={`Delete ${i.name}`}
              summary="Delete integration"
              confirmLabel={`Delete ${i.name}`}
              warning="Its URL stops working and its firing alerts stop counting."
            />
          </div>
        </details>
      )}
    </Card>
  );
}
