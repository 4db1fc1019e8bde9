/** @coldchain/evidence: the evidence chain's format, bundles and their offline verification (issue 11). */
export * from './format.ts';
export * from './entries.ts';
export * from './bundle.ts';
export * from './verify.ts';
