import { COMPONENT_STATUS_LABELS, COMPONENT_STATUSES, type ComponentStatus } from "@/db/constants";
import { ComponentStatusBadge } from "./badges";
import { ErrorsFor } from "./action-form";

export interface PickerComponent {
  id: string;
  name: string;
  status: ComponentStatus;
  groupName: string | null;
  hidden: boolean;
}

/**
 * Every component with a status select (`status.<id>`). In "create" mode the
 * select starts at "No change" and an "affected" checkbox (`componentIds`)
 * names a component without changing it. In "update" mode each select starts
 * at the current status and a hidden `was.<id>` lets the action skip
 * components left as they were. `preset` (from a template) overrides a select's
 * starting value; `named` ticks "affected" boxes.
 */
export function ComponentPicker({
  components,
  mode,
  highlight = [],
  preset = {},
  named = [],
}: {
  components: PickerComponent[];
  mode: "create" | "update";
  highlight?: string[];
  preset?: Partial<Record<string, ComponentStatus | string>>;
  /** "Affected" boxes to start ticked (create mode; a form shown again keeps them). */
  named?: readonly string[];
}) {
  if (!components.length) return <p className="text-sm text-zinc-500">No components yet.</p>;
  const first = new Set(highlight);
  const sorted = [...components.filter((c) => first.has(c.id)), ...components.filter((c) => !first.has(c.id))];
  return (
    <div>
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-zinc-500">
            <th className="py-2 pr-3 font-medium">Component</th>
            <th className="hidden py-2 pr-3 font-medium sm:table-cell">Now</th>
            <th className="py-2 pr-3 font-medium">{mode === "create" ? "Set status" : "Status after this update"}</th>
            {mode === "create" && <th className="py-2 font-medium">Affected</th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {sorted.map((c) => (
            <tr key={c.id}>
              <td className="py-2 pr-3">
                <label htmlFor={`status.${c.id}`} className="font-medium">
                  {c.name}
                </label>
                <div className="text-xs text-zinc-500">
                  {c.groupName ?? "Ungrouped"}
                  {c.hidden && " · hidden"}
                </div>
                <ErrorsFor name={`components.${c.id}`} />
              </td>
              <td className="hidden py-2 pr-3 sm:table-cell">
                <ComponentStatusBadge status={c.status} />
              </td>
              <td className="py-2 pr-3">
                {mode === "update" && <input type="hidden" name={`was.${c.id}`} value={c.status} />}
                <select
                  id={`status.${c.id}`}
                  name={`status.${c.id}`}
                  defaultValue={preset[c.id] ?? (mode === "update" ? c.status : "")}
                  className={
                    "block w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm " +
                    "dark:border-zinc-700 dark:bg-zinc-900"
                  }
                >
                  {mode === "create" && <option value="">No change</option>}
                  {COMPONENT_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {COMPONENT_STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              </td>
              {mode === "create" && (
                <td className="py-2 text-center">
                  <input
                    type="checkbox"
                    name="componentIds"
                    value={c.id}
                    defaultChecked={named.includes(c.id)}
                    aria-label={`${c.name} is affected`}
                    className="size-4 accent-blue-600"
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorsFor name="components" />
      <ErrorsFor name="componentIds" />
    </div>
  );
}
