import { describe, expect, it } from 'vitest';
import type { Tier } from './profiles.ts';
import { routeAlert } from './routing.ts';

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
