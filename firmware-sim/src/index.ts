/** @coldchain/firmware-sim: simulated loggers, lychee journeys and the demo fleet. */
export { ApiCallError, createApiClient } from './api-client.ts';
export type { ApiClient } from './api-client.ts';
export { generateDeviceKeys, LoggerDevice } from './logger-device.ts';
export type { AcFailure, JourneyPlan, PlannedHandoff, PlannedReading, ReeferCycling, Role, StagePlan } from './journey.ts';
export { HUB_AC_FAILURE, LINE_HAUL_CYCLING, LYCHEE_JOURNEY, planJourney, seededRandom } from './journey.ts';
export type { JourneySpec, RoleOrgs } from './journey-runner.ts';
export { JourneyRunner, replayJourney } from './journey-runner.ts';
export { DEMO_ORGS, DEMO_ROLE_ORGS } from './demo-orgs.ts';
export type { DemoFleetOptions } from './demo-fleet.ts';
export { startDemoFleet } from './demo-fleet.ts';
