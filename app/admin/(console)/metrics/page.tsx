import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, Checkbox, FormField, PageHeader, secondaryButtonLinkClass } from "@/components/admin/ui";
import { formatDuration } from "@/components/admin/time";
import { Input } from "@/components/ui/form";
import { IMPACT_LABELS, IMPACTS } from "@/db/constants";
import { listComponentSections, type ComponentSection } from "@/lib/components/order";
import { durationTrendChart, incidentsByImpactChart, uptimeTargetChart, type Chart } from "@/lib/metrics/charts";
import { computeMetrics, METRIC_DEFINITIONS, type MetricsRow } from "@/lib/metrics/metrics";
import { uptimeFormula } from "@/lib/uptime/compute";
import { updateUptimeSettingsAction } from "./actions";

export const metadata = { title: "Metrics · Herald" };

const minutes = (m: number | null) => (m === null ? "—" : formatDuration(m * 60_000));
const pct = (p: number | null) => (p === null ? "—" : `${p.toFixed(2)} %`);

function Row({ r, label }: { r: MetricsRow; label: string }) {
  return (
    <tr className={r.slaMet === false ? "bg-red-50 dark:bg-red-950/40" : undefined}>
      <th scope="row" className="py-1.5 pr-3 text-left font-medium">
        {label}
      </th>
      <td className="py-1.5 pr-3 text-right">{r.total}</td>
      {IMPACTS.map((i) => (
        <td key={i} className="py-1.5 pr-3 text-right">
          {r.incidents[i]}
        </td>
      ))}
      <td className="py-1.5 pr-3 text-right">{minutes(r.timeToFirstUpdateMinutes)}</td>
      <td className="py-1.5 pr-3 text-right">{minutes(r.mttaMinutes)}</td>
      <td className="py-1.5 pr-3 text-right">{minutes(r.mttrMinutes)}</td>
      <td className="py-1.5 text-right">
        {pct(r.uptimePercent)}
        {r.slaMet === false && (
          <span className="ml-1 text-xs text-red-700 dark:text-red-400">below {r.targetPercent} %</span>
        )}
      </td>
    </tr>
  );
}

/** A server-drawn SVG chart (lib/metrics/charts.ts) with its numbers as a table for anyone who can't see it. */
function ChartFigure({ chart }: { chart: Chart }) {
  return (
    <figure className="min-w-0">
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: an SVG of escaped text only */}
      <div className="text-zinc-800 dark:text-zinc-200" dangerouslySetInnerHTML={{ __html: chart.svg }} />
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Show as table</summary>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="sr-only">{chart.table.caption}</caption>
            <thead>
              <tr className="text-right text-xs uppercase tracking-wide text-zinc-500">
                {chart.table.head.map((h, k) => (
                  <th key={h} scope="col" className={`py-1.5 pr-3 font-medium ${k === 0 ? "text-left" : ""}`}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {chart.table.rows.map(([head, ...cells]) => (
                <tr key={head}>
                  <th scope="row" className="py-1.5 pr-3 text-left font-medium">
                    {head}
                  </th>
                  {cells.map((c, k) => (
                    <td key={chart.table.head[k + 1]} className="py-1.5 pr-3 text-right">
                      {c}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** Rows under an optional heading: the per-component table follows the page's groups (lib/components/order.ts). */
type RowSection = { heading: string | null; rows: MetricsRow[] };

function MetricsTable({
  caption,
  sections,
  label,
}: {
  caption: string;
  sections: RowSection[];
  label: (r: MetricsRow) => string;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="text-right text-xs uppercase tracking-wide text-zinc-500">
            <th className="py-2 pr-3 text-left font-medium"> </th>
            <th className="py-2 pr-3 font-medium">Incidents</th>
            {IMPACTS.map((i) => (
              <th key={i} className="py-2 pr-3 font-medium">
                {IMPACT_LABELS[i]}
              </th>
            ))}
            <th className="py-2 pr-3 font-medium">First update</th>
            <th className="py-2 pr-3 font-medium">MTTA</th>
            <th className="py-2 pr-3 font-medium">MTTR</th>
            <th className="py-2 font-medium">Uptime</th>
          </tr>
        </thead>
        {sections.map((s, i) => (
          <tbody key={s.heading ?? `rows-${i}`} className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {s.heading && (
              <tr>
                <th
                  scope="rowgroup"
                  colSpan={6 + IMPACTS.length}
                  className="pt-4 pb-1 text-left text-xs font-semibold tracking-wide text-zinc-500 uppercase"
                >
                  {s.heading}
                </th>
              </tr>
            )}
            {s.rows.map((r) => (
              <Row key={`${r.month}-${r.componentId}`} r={r} label={label(r)} />
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

export default async function MetricsPage({ searchParams }: { searchParams: Promise<{ month?: string }> }) {
  const { ctx, page, canAdmin } = await requireConsolePage();
  const report = await computeMetrics(ctx.db, page.id, new Date());
  const { month: wanted } = await searchParams;
  const month = wanted && report.months.includes(wanted) ? wanted : report.months.at(-1)!;
  const overview = report.rows.filter((r) => r.componentId === null).reverse();
  const perComponent = report.rows.filter((r) => r.month === month && r.componentId !== null);
  const rowOf = new Map(perComponent.map((r) => [r.componentId, r]));
  const componentSections: RowSection[] = (await listComponentSections(ctx.db, page.id, { audience: "console" })).map(
    (s: ComponentSection<{ id: string }>) => ({
      heading: s.group?.name ?? null,
      rows: s.components.flatMap((c) => rowOf.get(c.id) ?? []),
    }),
  );

  return (
    <>
      <PageHeader
        title="Metrics"
        description={
          `Up to 12 months, from the first incident, in ` +
          `${report.timeZone}. Page uptime target: ${report.slaTarget} ` +
          `% (a component may set its own).`
        }
        actions={
          <a href="/admin/metrics/export.csv" className={secondaryButtonLinkClass}>
            Download CSV
          </a>
        }
      />
      <div className="space-y-6">
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Incidents" className="min-w-0 lg:col-span-2">
            <ChartFigure chart={incidentsByImpactChart(report)} />
          </Card>
          <Card title="Time to resolve" className="min-w-0">
            <ChartFigure chart={durationTrendChart(report, "mttrMinutes")} />
          </Card>
          <Card title="Time to first update" className="min-w-0">
            <ChartFigure chart={durationTrendChart(report, "timeToFirstUpdateMinutes")} />
          </Card>
        </div>
        <Card title="By month" description="All components.">
          <MetricsTable
            caption="Metrics by month"
            sections={[{ heading: null, rows: overview }]}
            label={(r) => r.month}
          />
        </Card>
        <Card title={`By component · ${month}`}>
          <nav aria-label="Month" className="mb-3 flex flex-wrap gap-1 text-xs">
            {report.months.map((m) => (
              <a
                key={m}
                href={`/admin/metrics?month=${m}`}
                aria-current={m === month ? "page" : undefined}
                className={
                  "rounded px-2 py-1 hover:bg-zinc-100 aria-[current=page]:bg-zinc-200 " +
                  "dark:hover:bg-zinc-800 dark:aria-[current=page]:bg-zinc-700"
                }
              >
                {m}
              </a>
            ))}
          </nav>
          <div className="mb-4 max-w-2xl">
            <ChartFigure
              chart={uptimeTargetChart(
                report,
                month,
                componentSections.flatMap((s) => s.rows.map((r) => r.componentId!)),
              )}
            />
          </div>
          <MetricsTable
            caption={`Metrics by component for ${month}`}
            sections={componentSections}
            label={(r) => r.componentName}
          />
        </Card>
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Definitions">
            <dl className="space-y-2 text-sm">
              {METRIC_DEFINITIONS.map((d) => (
                <div key={d.key}>
                  <dt className="font-medium">{d.label}</dt>
                  <dd className="text-zinc-600 dark:text-zinc-400">{d.definition}</dd>
                </div>
              ))}
              <div>
                <dt className="font-medium">Uptime formula (as published)</dt>
                <dd className="text-zinc-600 dark:text-zinc-400">{uptimeFormula(page.uptimeCountsMaintenance)}</dd>
              </div>
            </dl>
          </Card>
          {canAdmin && (
            <Card title="Uptime settings">
              <ActionForm action={updateUptimeSettingsAction} aria-label="Uptime settings">
                <FormField label="Uptime target (%)" name="slaTarget">
                  <Input
                    name="slaTarget"
                    type="number"
                    step="0.001"
                    min="0"
                    max="100"
                    defaultValue={String(page.slaTarget)}
                    required
                  />
                </FormField>
                <Checkbox
                  name="uptimeCountsMaintenance"
                  label="Count scheduled maintenance as down time"
                  defaultChecked={page.uptimeCountsMaintenance}
                />
                <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
              </ActionForm>
            </Card>
          )}
        </div>
      </div>
    </>
  );
}
