"use server";
import { requireUser } from "@/app/_server/auth";
import { runAction, str } from "@/app/_server/actions";
import { env } from "@/lib/env";
import { describePlan, importStatuspage, type StatuspageSource } from "@/lib/import/import-statuspage";
import { safeFetch } from "@/lib/net/fetch";
import { refreshAfterWrite } from "../../form-data";
import type { ImportState } from "./state";

/**
 * Settings → Import: "preview" runs the import as a dry run and returns its
 * plan; "import" runs it for real. The API key goes to Statuspage only: it is
 * never stored, logged or sent back to the browser.
 */
export async function importStatuspageAction(_prev: ImportState, fd: FormData): Promise<ImportState> {
  const { ctx } = await requireUser("admin");
  const preview = str(fd, "intent") !== "import";
  const source: StatuspageSource =
    str(fd, "source") === "v1"
      ? { kind: "v1", apiKey: str(fd, "apiKey") ?? "", pageId: str(fd, "pageId")?.trim() ?? "" }
      : { kind: "v2", url: str(fd, "url")?.trim() ?? "" };
  let plan: string[] = [];
  const state = await runAction(async () => {
    // The page's address is user-given: the SSRF-safe fetch, under the operator's policy.
    const result = await importStatuspage(ctx, { fetch: safeFetch, secret: env().HERALD_SECRET }, source, {
      dryRun: preview,
    });
    plan = describePlan(result);
    if (!preview) refreshAfterWrite();
  });
  if (state.error) return { error: state.error, fieldErrors: state.fieldErrors };
  return { ok: true, previewed: preview, plan };
}
