// The reminder setting's one definition, shared by the maintenance forms, the
// page default (lib/page/page.ts) and the v1 API's scheduled_remind_prior.
import { z } from "zod";

/** Reminders go out between 5 minutes and a week before the start. */
export const REMIND_MINUTES_MIN = 5;
export const REMIND_MINUTES_MAX = 7 * 24 * 60;
/** How long before the start a maintenance reminds subscribers; null = no reminder. */
export const RemindMinutes = z
  .number()
  .int()
  .min(REMIND_MINUTES_MIN, `At least ${REMIND_MINUTES_MIN} minutes`)
  .max(REMIND_MINUTES_MAX, "At most a week")
  .nullable();
