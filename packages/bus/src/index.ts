/** @coldchain/bus: the MQTT connection every service uses, and the injected clock. */
export type { Clock } from './clock.ts';
export { systemClock } from './clock.ts';
export type { MessageConsumer, MqttConnectionOptions } from './mqtt-connection.ts';
export { closeMqtt, connectMqtt } from './mqtt-connection.ts';
export type { AfterSalesStepEvent, AfterSalesStepType, AlertEvent, AlertEventType, ClaimEvent, ClaimLinks, ClaimTimerEvent, ClaimUpdateEvent } from './events.ts';
export { publishAfterSalesEvent, publishAlertEvent, publishClaimEvent } from './events.ts';
export { createDeviceKeyCache } from './device-keys.ts';
