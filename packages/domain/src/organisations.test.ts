import { describe, expect, it } from 'vitest';
import { isLogisticsProvider, ORG_KINDS, type OrgKind } from './organisations.ts';

describe('isLogisticsProvider', () => {
  it.each<{ kind: OrgKind; expected: boolean }>([
    { kind: 'carrier', expected: true },
    { kind: 'warehouse', expected: true },
    { kind: 'courier', expected: true },
    { kind: 'shipper', expected: false },
    { kind: 'platform', expected: false },
  ])('$kind → $expected', ({ kind, expected }) => {
    expect(isLogisticsProvider(kind)).toBe(expected);
  });

  it('covers every organisation kind in the table above', () => {
    expect([...ORG_KINDS].sort()).toEqual(['carrier', 'courier', 'platform', 'shipper', 'warehouse']);
  });
});
