import Link from "next/link";
import { Select } from "@/components/ui/form";
import { linkClass, secondaryButtonLinkClass } from "./ui";

/**
 * Picks a template inside a post form. "Use template" submits the form as a
 * GET of `action` (the page itself), so the page renders it again with the
 * template merged into what was entered — nothing typed is lost, and it works
 * without JavaScript (ActionForm sends a shorter query when it can).
 */
export function TemplatePicker({
  templates,
  selected,
  action,
  id,
}: {
  templates: { id: string; name: string }[];
  selected?: string | null;
  action: string;
  id: string;
}) {
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
    // biome-ignore lint/a11y/useSemanticElements: a fieldset would need a visible legend; the label is the aria-label
    <div className="flex flex-wrap items-end gap-2" role="group" aria-label="Use a template">
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
      <button type="submit" formMethod="get" formAction={action} formNoValidate className={secondaryButtonLinkClass}>
        Use template
      </button>
    </div>
  );
}
