import { describe, expect, it } from 'vitest';
import type { Leg } from './custody.ts';
import type { Tier } from './profiles.ts';
import { routeAlert, routeOpenAlert } from './routing.ts';

describe('routeAlert', () => {
  const cases: Array<{ name: string; tier: Tier; custodianOrgId: string | null; expected: string[] }> = [
    { name: 'tier 1: custodian, shipper, platform', tier: 1, custodianOrgId: 'org-reefer', expected: ['org-reefer', 'org-farm', 'org-platform'] },
    { name: 'tier 2: custodian and shipper, not the platform', tier: 2, custodianOrgId: 'org-reefer', expected: ['org-reefer', 'org-farm'] },
    { name: 'tier 3: custodian and shipper, not the platform', tier: 3, custodianOrgId: 'org-hub', expected: ['org-hub', 'org-farm'] },
    { name: 'no custodian on record: shipper and platform', tier: 1, custodianOrgId: null, expected: ['org-farm', 'org-platform'] },
    { name: 'no custodian, tier 3: the shipper alone', tier: 3, custodianOrgId: null, expected: ['org-farm'] },
    { name: 'the shipper holds the goods (packhouse): notified once', tier: 1, custodianOrgId: 'org-farm', expected: ['org-farm', 'org-platform'] },
  ];
  for (const row of cases) {
    it(row.name, () => {
      const { tier, custodianOrgId, expected } = row;
      expect(routeAlert({ tier, custodianOrgId, shipperOrgId: 'org-farm', platformOrgId: 'org-platform' })).toEqual(expected);
    });
  }

  it('notifies the platform once when it is also the shipper', () => {
    expect(routeAlert({ tier: 1, custodianOrgId: 'org-reefer', shipperOrgId: 'org-platform', platformOrgId: 'org-platform' })).toEqual(['org-reefer', 'org-platform']);
  });
});

describe('routeOpenAlert: reminders and escalations follow custody', () => {
  const H = 3_600_000;
  // Packhouse (the farm) from 0, hub from 1 h, line haul from 5 h, last mile from 9 h.
  const leg = (index: number, stage: Leg['stage'], custodianOrgId: string, startedAt: number, endedAt: number | null): Leg => ({ index, stage, custodianOrgId, station: null, startedAt, endedAt, startProbeTempC: null });
  const packhouse = leg(0, 'packhouse', 'org-farm', 0, H);
  const hub = leg(1, 'hub', 'org-hub', H, 5 * H);
  const lineHaul = leg(2, 'line_haul', 'org-reefer', 5 * H, 9 * H);
  const lastMile = leg(3, 'last_mile', 'org-courier', 9 * H, null);
  const base = { shipperOrgId: 'org-farm', platformOrgId: 'org-platform', liableOrgId: null, isEscalated: false };
  const cases: Array<{ name: string; tier: Tier; legs: Leg[]; activeAt: number; liableOrgId?: string | null; isEscalated?: boolean; expected: string[] }> = [
    { name: 'no handoff since the onset: as when it opened', tier: 3, legs: [packhouse, { ...hub, endedAt: null }], activeAt: 2 * H, expected: ['org-hub', 'org-farm'] },
    { name: 'handed to the line haul: the reefer first, the hub still told', tier: 3, legs: [packhouse, hub, { ...lineHaul, endedAt: null }], activeAt: 2 * H, liableOrgId: 'org-hub', expected: ['org-reefer', 'org-hub', 'org-farm'] },
    { name: 'escalated: the platform joins, whatever the tier', tier: 3, legs: [packhouse, hub, { ...lineHaul, endedAt: null }], activeAt: 2 * H, isEscalated: true, expected: ['org-reefer', 'org-hub', 'org-farm', 'org-platform'] },
    { name: 'tier 1: the platform always', tier: 1, legs: [packhouse, hub, { ...lineHaul, endedAt: null }], activeAt: 2 * H, expected: ['org-reefer', 'org-hub', 'org-farm', 'org-platform'] },
    { name: 'two handoffs on: the line haul in between drops out', tier: 2, legs: [packhouse, hub, lineHaul, lastMile], activeAt: 2 * H, liableOrgId: 'org-hub', expected: ['org-courier', 'org-hub', 'org-farm'] },
    { name: 'pre-cooling failure: the liable hub is told beside the onset leg', tier: 2, legs: [packhouse, hub, lineHaul, lastMile], activeAt: 5 * H + 60_000, liableOrgId: 'org-hub', expected: ['org-courier', 'org-reefer', 'org-hub', 'org-farm'] },
    { name: 'delivered (no current leg): the onset custodian and the shipper', tier: 2, legs: [packhouse, hub, { ...lineHaul, endedAt: 8 * H }], activeAt: 2 * H, expected: ['org-hub', 'org-farm'] },
    { name: 'the shipper holds the goods: told once', tier: 3, legs: [{ ...packhouse, endedAt: null }], activeAt: 60_000, expected: ['org-farm'] },
  ];
  for (const row of cases) {
    it(row.name, () => {
      const { tier, legs, activeAt, expected } = row;
      expect(routeOpenAlert({ ...base, tier, legs, activeAt, liableOrgId: row.liableOrgId ?? null, isEscalated: row.isEscalated ?? false })).toEqual(expected);
    });
  }
});
