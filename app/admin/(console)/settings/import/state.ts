import type { FieldErrors } from "@/lib/errors";

/** What the import action answers the form (shared by the server action and the client form). */
export interface ImportState {
  ok?: boolean;
  error?: string;
  fieldErrors?: FieldErrors;
  /** True after a preview (dry run); false once imported. */
  previewed?: boolean;
  plan?: string[];
}
