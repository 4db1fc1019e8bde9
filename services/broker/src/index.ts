/** @coldchain/broker: the embedded MQTT broker with device authentication and topic authorization. */
/** Builds the broker's CONNECT check: client id rules, failures throttled per address and username, bounded scrypt checks. */
export { createAuthenticator, SERVICE_CLIENT_ID_PREFIX } from './authenticator.ts';
/** The authenticator's dependencies and the stable codes of a refused CONNECT. */
export type { AuthenticatorDeps, AuthFailureCode } from './authenticator.ts';
/** The throttle's defaults, each with its reason in connect-throttle.ts. */
export { DEFAULT_THROTTLE_SETTINGS } from './connect-throttle.ts';
/** Failure budgets per address and username, and the bound on concurrent scrypt checks. */
export type { ThrottleSettings } from './connect-throttle.ts';
export { buildBroker, PortInUseError } from './app.ts';
export type { Broker, BrokerDeps } from './app.ts';
/** Where the embedded broker hands telemetry before acknowledging it (ingest's pipeline). */
export type { TelemetrySink } from './telemetry-sink.ts';
/** A CONNECT as the authenticator sees it, and its outcome. */
export type { AuthResult, ConnectRefusal, ConnectRequest, Principal } from './principal.ts';
export { ORG_USER_PREFIX, SERVICE_USER_PREFIX } from './principal.ts';
/** Organisations' subscribers (decision 0022): their two topics, and the check that disconnects a revoked credential. */
export { createPrincipalCheck, isOrgSubscriptionAllowed, orgTopics } from './org-access.ts';
export type { GetOrgCredential, OrgCredentialRecord } from './org-access.ts';
