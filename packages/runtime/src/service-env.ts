import { z } from 'zod';
import type { TelemetryStoreConfig } from './stores.ts';

/**
 * MQTT_URL for a service that runs apart from the broker: required, with `whenUnset` as the message
 * when it is missing (say which broker it is, with an example).
 */
export function brokerUrlSchema(whenUnset: string) {
  // A scheme mqtt.js cannot speak (`localhost:1883` parses as a URL) would fail later with a
  // protocol error instead of naming the variable.
  return z.url({
    protocol: /^(mqtts?|wss?)$/,
    error: (issue) => (issue.input === undefined ? whenUnset : 'must be a broker URL: mqtt://, mqtts://, ws:// or wss://, e.g. mqtt://127.0.0.1:1883'),
  });
}

/**
 * Names each variable a remote telemetry store needs but lacks (VictoriaMetrics: VICTORIA_URL; InfluxDB:
 * INFLUX_URL and INFLUX_TOKEN), so the start stops on them. For `.superRefine` on a schema built on
 * commonEnvShape.
 */
export function requireTelemetryStoreSettings(env: Pick<TelemetryStoreConfig, 'TELEMETRY_STORE' | 'VICTORIA_URL' | 'INFLUX_URL' | 'INFLUX_TOKEN'>, context: z.RefinementCtx): void {
  if (env.TELEMETRY_STORE === 'victoria' && !env.VICTORIA_URL) context.addIssue({ code: 'custom', path: ['VICTORIA_URL'], message: 'required when TELEMETRY_STORE=victoria' });
  if (env.TELEMETRY_STORE === 'influx' && !env.INFLUX_URL) context.addIssue({ code: 'custom', path: ['INFLUX_URL'], message: 'required when TELEMETRY_STORE=influx' });
  if (env.TELEMETRY_STORE === 'influx' && !env.INFLUX_TOKEN) context.addIssue({ code: 'custom', path: ['INFLUX_TOKEN'], message: 'required when TELEMETRY_STORE=influx' });
}
