import type { Tracked } from './rule-state-persistence.ts';
import type { WarningState } from './warning-tracker.ts';

/** What evaluation needs of a shipment; the whole one is read when an alert is raised or updated. */
export type ShipmentRef = { id: string; profileId: string; startedAt: number; deliveredAt: number | null };

/** Everything the rules service keeps for one device. */
export type DeviceRecord = {
  /** Server time the device was last heard from (a message, or a reading caught up from the store); 0: not yet. */
  lastHeardAt: number;
  shipment: ShipmentRef | null;
  shipmentAt: number;
  /** The shipment the states below belong to. */
  shipmentId: string | null;
  limits: Record<string, Tracked>;
  warning: WarningState | null;
  /** Device time of the last reading evaluated on this shipment. */
  cursorAt: number | null;
  /** Temperature of that reading: a rule whose inactive state was not kept across a restart starts from it. */
  cursorTempC: number | null;
};

/** Counters since start, for metrics and tests. */
export type RulesStats = { readings: number; evaluated: number; late: number; unassigned: number; transitions: number; rejudged: number; caughtUp: number };
