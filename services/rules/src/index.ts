/** @coldchain/rules: streaming evaluation of product profiles, alerts, attribution and claims. */
export { buildRules } from './app.ts';
export type { Rules, RulesDeps } from './app.ts';
export type { RulesStats } from './rules-types.ts';
