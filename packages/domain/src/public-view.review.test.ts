import { describe, expect, it } from 'vitest';
import { findPersonalData } from './public-view.ts';

// Ways around the patterns found by an independent review of issue 12: each displays as a phone number,
// an ID number or an address on a screen.
describe('personal data hidden by invisible characters or unusual separators', () => {
  const refused: [string, string][] = [
    ['海口 138\u200b1234\u200b5678', 'hidden_characters'],
    ['海口 138\u00ad1234\u00ad5678', 'hidden_characters'],
    ['海口 138\u20601234\u20605678', 'hidden_characters'],
    ['110105\u200b19491231\u200b002X', 'hidden_characters'],
    ['滨海大道\u200b88号', 'hidden_characters'],
    ['海口 \u202e87654321831\u202c', 'hidden_characters'],
    ['海口 138.1234.5678', 'phone'],
    ['海口 138/1234/5678', 'phone'],
    ['海口 138–1234–5678', 'phone'],
    ['海口 1 3 8 1 2 3 4 5 6 7 8', 'phone'],
    ['110105.19491231.002X', 'id_number'],
  ];
  it.each(refused)('refuses %j as %s', (text, kind) => {
    expect(findPersonalData(text)?.kind).toBe(kind);
  });

  const passing = ['海南 海口', '2026-12-02 13:45 出发', '0–4 °C 冷藏', '批次 B2026-12, 40 箱', '广州 白云 2号库区'];
  it.each(passing)('lets %j through', (text) => {
    expect(findPersonalData(text)).toBeNull();
  });
});
