import Link from "next/link";
import { Select } from "@/components/ui/form";
import { linkClass, secondaryButtonLinkClass } from "./ui";

/**
 * Picks a template with a plain GET form: the page reloads with
 * `?template=<id>` and renders its post form prefilled, so it works without
 * JavaScript. It sits outside the post form (forms can't nest).
 */
export function TemplatePicker({ templates, selected, action, id }: { templates: { id: string; name: string }[]; selected?: string; action: string; id: string }) {
  if (!templates.length)
    return (
      <p className="text-sm text-zinc-500">
        No templates yet.{" "}
        <Link href="/admin/templates" className={linkClass}>
          Create one →
        </Link>
      </p>
    );
  return (
    <form method="get" action={action} className="flex flex-wrap items-end gap-2" aria-label="Use a template">
      <div>
        <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
          Start from a template
        </label>
        <Select name="template" id={id} defaultValue={selected ?? ""} className="sm:min-w-64">
          <option value="">No template</option>
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </Select>
      </div>
      <button className={secondaryButtonLinkClass}>Use template</button>
    </form>
  );
}
