import { ShowOnError } from "./action-form";
import { Checkbox } from "./ui";

/** Beside a post form's message: what the fixed placeholders become when posting. */
export const PLACEHOLDER_HINT = "{{component}} and {{components}} become the affected components when you post.";

/**
 * Shown once posting was refused because the text still holds a placeholder
 * nothing fills in (app/admin/(console)/incidents/actions.ts): ticking it
 * posts the text as written.
 */
export function KeepPlaceholders() {
  return (
    <ShowOnError name="keepPlaceholders">
      <Checkbox name="keepPlaceholders" label="Post it as written, placeholders included" />
    </ShowOnError>
  );
}
