import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { telemetryTopic } from '@coldchain/schemas';

/** A simulated temperature logger: MQTT client with its own credentials, publishing QoS 1. */
export class LoggerDevice {
  private seq = 0;
  private constructor(
    readonly deviceId: string,
    private readonly client: MqttClient,
  ) {}

  /** Connects as the device (username = device id, password = its secret). Rejects when refused. */
  static async connect(mqttUrl: string, deviceId: string, secret: string): Promise<LoggerDevice> {
    const client = await mqtt.connectAsync(mqttUrl, {
      clientId: `dev-${deviceId}`,
      username: deviceId,
      password: secret,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    return new LoggerDevice(deviceId, client);
  }

  /** Publishes readings as one message (`seq` counts messages), resolving on the broker's PUBACK. */
  async publish(readings: readonly { ts: number; tempC: number; rhPct?: number }[]): Promise<void> {
    const payload = JSON.stringify({ seq: this.seq++, readings });
    await this.client.publishAsync(telemetryTopic(this.deviceId), payload, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
