import { Fragment, type ReactNode } from "react";
import type { ComponentSection } from "@/lib/components/order";

/**
 * Components in the page's order (lib/components/order.ts), each group a
 * fieldset named after it, so a checkbox or select reads with its group.
 * `children` draws one component's control.
 */
export function ComponentSections<C extends { id: string }>({
  sections,
  children,
  listClassName = "",
  legendClassName = "text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400",
}: {
  sections: ComponentSection<C>[];
  children: (c: C) => ReactNode;
  listClassName?: string;
  legendClassName?: string;
}) {
  return (
    <div className="space-y-3">
      {sections.map((s) => {
        const items = (
          // biome-ignore lint/correctness/useJsxKeyInIterable: its keyed wrapper is below
          <div className={listClassName}>
            {s.components.map((c) => (
              <Fragment key={c.id}>{children(c)}</Fragment>
            ))}
          </div>
        );
        return s.group ? (
          <fieldset key={s.group.id} className="min-w-0">
            <legend className={`mb-1 ${legendClassName}`}>{s.group.name}</legend>
            {items}
          </fieldset>
        ) : (
          <Fragment key="ungrouped">{items}</Fragment>
        );
      })}
    </div>
  );
}
