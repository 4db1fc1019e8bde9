/** @coldchain/broker: the embedded MQTT broker with device authentication and topic authorization. */
export { createAuthenticator } from './authenticator.ts';
export { buildBroker, PortInUseError } from './app.ts';
export type { Broker, BrokerDeps } from './app.ts';
export type { Principal } from './principal.ts';
export { SERVICE_USER_PREFIX } from './principal.ts';
