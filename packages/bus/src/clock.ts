/** The time source of a service, injected so tests control it. Epoch milliseconds. */
export type Clock = { now(): number };

/** The machine's clock. */
export const systemClock: Clock = { now: () => Date.now() };
