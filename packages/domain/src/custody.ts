/** The stages a shipment passes through, in journey order. */
export const STAGES = ['packhouse', 'first_mile', 'hub', 'line_haul', 'last_mile', 'delivered'] as const;
export type Stage = (typeof STAGES)[number];

/** Names of the stages for users. */
export const STAGE_NAMES: Readonly<Record<Stage, { zh: string; en: string }>> = {
  packhouse: { zh: '产地预冷', en: 'Packhouse' },
  first_mile: { zh: '头程运输', en: 'First-mile carrier' },
  hub: { zh: '枢纽仓', en: 'Hub warehouse' },
  line_haul: { zh: '干线冷运', en: 'Line-haul reefer' },
  last_mile: { zh: '末端配送', en: 'Last-mile courier' },
  delivered: { zh: '已签收', en: 'Delivered' },
};

/**
 * A handoff (a scan at a station): it closes the current leg and opens one at `stage` held by
 * `toOrgId`. Events are appended, never edited; `delivered` closes the journey.
 */
export type CustodyEvent = {
  id: string;
  shipmentId: string;
  /** Order of recording, to break ties between events at the same time. */
  seq: number;
  at: number;
  stage: Stage;
  toOrgId: string | null;
  station: string | null;
  /** Probe temperature taken at the handoff, when taken. */
  probeTempC: number | null;
  recordedAt: number;
};

/** A leg of the journey: who held the goods, from when to when. */
export type Leg = {
  index: number;
  stage: Exclude<Stage, 'delivered'>;
  custodianOrgId: string;
  station: string | null;
  startedAt: number;
  endedAt: number | null;
  /** Probe temperature at the handoff that opened this leg. */
  startProbeTempC: number | null;
};

/** Builds the legs from the custody events, in time order. */
export function buildLegs(events: readonly CustodyEvent[]): Leg[] {
  const sorted = [...events].sort((a, b) => a.at - b.at || a.seq - b.seq);
  const legs: Leg[] = [];
  for (const event of sorted) {
    const open = legs[legs.length - 1];
    if (open && open.endedAt === null) open.endedAt = event.at;
    if (event.stage === 'delivered' || event.toOrgId === null) continue;
    legs.push({
      index: legs.length,
      stage: event.stage,
      custodianOrgId: event.toOrgId,
      station: event.station,
      startedAt: event.at,
      endedAt: null,
      startProbeTempC: event.probeTempC,
    });
  }
  return legs;
}

/** The leg holding the goods at time `t`, if any. */
export function legAt(legs: readonly Leg[], t: number): Leg | undefined {
  return legs.find((leg) => leg.startedAt <= t && (leg.endedAt === null || t < leg.endedAt));
}

/** The leg open now (the last one, if not closed by delivery). */
export function currentLeg(legs: readonly Leg[]): Leg | undefined {
  const last = legs[legs.length - 1];
  return last && last.endedAt === null ? last : undefined;
}
