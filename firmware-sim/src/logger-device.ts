import { generateKeyPairSync } from 'node:crypto';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { signTelemetry, statusTopic, telemetryTopic } from '@coldchain/schemas';

/** A new Ed25519 key pair as a logger holds it: the 32-byte seed (private) and public key, base64. */
export function generateDeviceKeys(): { seed: string; publicKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    seed: privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64'),
  };
}

/**
 * A simulated temperature logger: MQTT client with its own credentials, publishing QoS 1, signing each
 * message when it holds a key, and keeping a retained `online`/`offline` status (offline through its
 * last will when the connection drops).
 */
export class LoggerDevice {
  private seq = 0;
  private constructor(
    readonly deviceId: string,
    private readonly client: MqttClient,
    private readonly seed: string | null,
  ) {}

  /** Connects as the device (username = device id, password = its secret). Rejects when refused. */
  static async connect(mqttUrl: string, deviceId: string, secret: string, seed: string | null = null): Promise<LoggerDevice> {
    const client = await mqtt.connectAsync(mqttUrl, {
      clientId: deviceId,
      username: deviceId,
      password: secret,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      will: { topic: statusTopic(deviceId), payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    await client.publishAsync(statusTopic(deviceId), 'online', { qos: 1, retain: true });
    return new LoggerDevice(deviceId, client, seed);
  }

  /** Publishes readings as one message (`seq` counts messages), resolving on the broker's PUBACK. */
  async publish(readings: readonly { ts: number; tempC: number; rhPct?: number }[]): Promise<void> {
    const message = { seq: this.seq++, readings };
    const payload = this.seed ? signTelemetry(message, this.seed) : JSON.stringify(message);
    await this.client.publishAsync(telemetryTopic(this.deviceId), payload, { qos: 1 });
  }

  /**
   * Uploads readings buffered while offline, as loggers do on reconnect: in messages of 50, each in the
   * order the logger's buffer happens to hold them (not sorted), and the last message sent twice, as
   * after a PUBACK lost with the connection. The server must store each reading once, on device time.
   */
  async uploadBacklog(readings: readonly { ts: number; tempC: number; rhPct?: number }[]): Promise<void> {
    const chunks: (typeof readings)[] = [];
    for (let i = 0; i < readings.length; i += 50) chunks.push(readings.slice(i, i + 50));
    for (const chunk of chunks) {
      const shuffled = [...chunk].sort((a, b) => ((a.ts * 7919) % 13) - ((b.ts * 7919) % 13));
      await this.publish(shuffled);
    }
    const last = chunks.at(-1);
    if (last) await this.publish(last);
  }

  /** Disconnects cleanly, saying `offline` first (a clean DISCONNECT does not fire the last will). */
  async close(): Promise<void> {
    await this.client.publishAsync(statusTopic(this.deviceId), 'offline', { qos: 1, retain: true }).catch(() => undefined);
    await this.client.endAsync();
  }
}
