// What an import brings, whatever it came from: the readers in ./statuspage
// turn Statuspage's v2 or v1 JSON into this, and ./apply.ts writes it. Ids are
// already in Herald's format (./foreign-ids.ts).
import type {
  AnyIncidentStatus,
  ComponentStatus,
  Impact,
  IncidentKind,
  IncidentStatus,
  SubscriberState,
} from "@/db/constants";

export interface BundleGroup {
  id: string;
  name: string;
  description: string | null;
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface BundleComponent {
  id: string;
  groupId: string | null;
  name: string;
  description: string | null;
  position: number;
  status: ComponentStatus;
  showcase: boolean;
  startDate: string | null;
  onlyShowIfDegraded: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface BundleAffected {
  componentId: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
}

export interface BundleUpdate {
  id: string;
  status: AnyIncidentStatus;
  body: string;
  displayAt: Date;
  createdAt: Date;
  updatedAt: Date;
  deliverNotifications: boolean;
  affected: BundleAffected[];
}

export interface BundleMaintenance {
  scheduledFor: Date;
  scheduledUntil: Date;
  remindPrior: boolean;
  remindedAt: Date | null;
  autoInProgress: boolean;
  autoCompleted: boolean;
  autoTransitionToMaintenanceState: boolean;
  autoTransitionToOperationalState: boolean;
  autoTransitionDeliverNotificationsAtStart: boolean;
  autoTransitionDeliverNotificationsAtEnd: boolean;
}

export interface BundleIncident {
  id: string;
  kind: IncidentKind;
  name: string;
  /** The impact Statuspage shows ("maintenance" for maintenances). */
  impact: Impact | "maintenance";
  impactOverride: Impact | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date;
  maintenance: BundleMaintenance | null;
  /** v1 only: the postmortem, published or still a draft. */
  postmortem: { body: string; publishedAt: Date | null } | null;
  updates: BundleUpdate[];
}

export interface BundleSubscriber {
  id: string;
  email: string;
  state: SubscriberState;
  componentIds: string[];
  createdAt: Date;
  quarantinedAt: Date | null;
}

export interface BundleTemplate {
  id: string;
  name: string;
  title: string;
  body: string;
  status: IncidentStatus;
  components: Record<string, ComponentStatus>;
  notify: boolean;
}

export interface ImportBundle {
  source: "statuspage-v2" | "statuspage-v1";
  page: { name: string; timeZone: string | null };
  groups: BundleGroup[];
  components: BundleComponent[];
  incidents: BundleIncident[];
  /** v1 only (the public v2 JSON has none of these). */
  subscribers: BundleSubscriber[];
  templates: BundleTemplate[];
  /** What was read but cannot be brought over, one line each (shown in the plan). */
  notes: string[];
}
