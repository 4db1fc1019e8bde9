/** @coldchain/evidence: the evidence chain's format, bundles and their offline verification (issue 11). */
export * from './format.ts';
export * from './entries.ts';
