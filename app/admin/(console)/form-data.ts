import "server-only";
import { revalidatePath } from "next/cache";
import { str } from "@/app/_server/actions";

// FormData helpers shared by the console's actions. Values stay strings (or
// undefined) here; the lib use cases validate every field with zod.

/**
 * Component statuses chosen in a form: `status.<componentId>` selects, where
 * "" means no change. With `was.<componentId>` hidden fields (prefilled
 * forms), a select left at its current status is not a change either.
 */
export function componentStatuses(fd: FormData): Record<string, string> {
  const chosen = new Map<string, string>();
  for (const [key, value] of fd.entries()) {
    if (!key.startsWith("status.") || typeof value !== "string" || value === "") continue;
    const id = key.slice("status.".length);
    if (str(fd, `was.${id}`) === value) continue;
    chosen.set(id, value);
  }
  return Object.fromEntries(chosen);
}

/** Console pages and the public site read the same rows: refresh everything after a write. */
export function refreshAfterWrite(): void {
  revalidatePath("/", "layout");
}
