/** @coldchain/all-in-one: the whole service in one process, for `npm start` and end-to-end tests. */
export { buildAllInOne } from './app.ts';
export type { AllInOne, AllInOneInfo } from './app.ts';
export { allInOneEnvSchema } from './config.ts';
export type { AllInOneConfig } from './config.ts';
