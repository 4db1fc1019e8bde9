// @ts-check
/**
 * Colours of the legs, one per custodian in order of first appearance (a carrier holding two legs keeps
 * its colour), distinct from each other and from the red of excursions and the green of the optimum
 * band. `fill` shades the chart; `solid` marks the legend, the timeline and the strip above the plot.
 */
const PALETTE = [
  { solid: '#c9932c', fill: 'rgba(201, 147, 44, 0.13)' }, // amber: packhouse
  { solid: '#3d74b8', fill: 'rgba(61, 116, 184, 0.12)' }, // blue: first mile
  { solid: '#8458b8', fill: 'rgba(132, 88, 184, 0.13)' }, // violet: hub
  { solid: '#23877c', fill: 'rgba(35, 135, 124, 0.12)' }, // teal: line haul
  { solid: '#b8683a', fill: 'rgba(184, 104, 58, 0.12)' }, // terracotta: last mile
  { solid: '#5b6472', fill: 'rgba(91, 100, 114, 0.12)' }, // slate: any further leg
];

/**
 * Custodians are told apart by `ref` (their order of first appearance, from the server): when the
 * shipper shows only kinds, two warehouses share a name and keep their own colours.
 * @param {{ custodian: { name: string, ref?: number } }[]} legs in journey order
 * @returns {{ solid: string, fill: string }[]} each leg's colour
 */
export function legColors(legs) {
  /** @type {Map<string | number, number>} */
  const byCustodian = new Map();
  return legs.map((leg) => {
    const key = leg.custodian.ref ?? leg.custodian.name;
    if (!byCustodian.has(key)) byCustodian.set(key, byCustodian.size);
    const index = byCustodian.get(key) ?? 0;
    return PALETTE[index % PALETTE.length] ?? PALETTE[0];
  });
}
