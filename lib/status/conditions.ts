// The status rules of db/constants.ts and rules.ts as SQL conditions on
// incident.status, for queries that filter in the database.
import { inArray, notInArray } from "drizzle-orm";
import { CLOSED_STATUSES, MAINTENANCE_UNDERWAY_STATUSES } from "@/db/constants";
import { incident } from "@/db/schema";

/** An incident or maintenance that is not closed (isClosedStatus). */
export const openStatus = notInArray(incident.status, [...CLOSED_STATUSES]);

/** A maintenance that has started and is not completed (isMaintenanceUnderway). */
export const maintenanceUnderway = inArray(incident.status, [...MAINTENANCE_UNDERWAY_STATUSES]);
