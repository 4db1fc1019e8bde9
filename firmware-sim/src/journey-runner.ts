import type { ApiClient } from './api-client.ts';
import type { JourneyPlan, PlannedReading, Role } from './journey.ts';
import { generateDeviceKeys, LoggerDevice } from './logger-device.ts';

/** The organisations holding each role in a journey. */
export type RoleOrgs = Readonly<Record<Role, string>>;

/** A shipment to simulate: its plan, its logger and who holds it when. */
export type JourneySpec = {
  shipmentId: string;
  deviceId: string;
  plan: JourneyPlan;
  orgs: RoleOrgs;
  origin: string;
  destination: string;
  boxes: number;
  goodsValueCents: number;
  freightCents: number;
  /** Whether the logger signs its messages (Ed25519); true unless said otherwise. */
  isSigned?: boolean;
  /**
   * The logger loses its network for a while (device time, from the journey's start): it keeps
   * sampling into its buffer and uploads the backlog in bulk when the network returns (store and forward).
   */
  signalLoss?: { fromMs: number; durationMs: number };
  /** How far the logger's own clock is off (its readings carry its time, not the server's). */
  clockSkewMs?: number;
};

/** Most readings a logger uploads in one message. */
const MAX_BATCH = 200;

/**
 * Drives one shipment through its plan: provisions its logger, creates the shipment, then on each
 * `advanceTo(t)` posts the handoffs and publishes the readings due by device time `t`, in time order.
 * A handoff is recorded before any reading after it is published, as a station's scan would be.
 */
export class JourneyRunner {
  private nextReading = 0;
  private nextHandoff = 0;
  private device: LoggerDevice | undefined;
  traceCode = '';
  /** The logger's signing key seed, when it signs. */
  readonly seed: string | null;
  private readonly publicKey: string | undefined;

  constructor(
    readonly spec: JourneySpec,
    private readonly api: ApiClient,
    private readonly mqttUrl: string,
  ) {
    const keys = spec.isSigned === false ? null : generateDeviceKeys();
    this.seed = keys?.seed ?? null;
    this.publicKey = keys?.publicKey;
  }

  get isDone(): boolean {
    return this.nextReading >= this.spec.plan.readings.length && this.nextHandoff >= this.spec.plan.handoffs.length;
  }

  async start(): Promise<void> {
    const { spec } = this;
    const secret = await this.api.provisionDevice(spec.deviceId, this.publicKey);
    const shipment = await this.api.createShipment({
      id: spec.shipmentId,
      profileId: 'lychee',
      shipperOrgId: spec.orgs.shipper,
      deviceId: spec.deviceId,
      origin: spec.origin,
      destination: spec.destination,
      boxes: spec.boxes,
      goodsValueCents: spec.goodsValueCents,
      freightCents: spec.freightCents,
      startedAt: spec.plan.startAt,
      station: '海南海口 妃子笑荔枝产地仓',
    });
    this.traceCode = shipment.traceCode;
    this.device = await LoggerDevice.connect(this.mqttUrl, spec.deviceId, secret, this.seed);
  }

  /** Readings sampled while the network was down, waiting for upload. */
  private backlog: PlannedReading[] = [];

  private isOffline(ts: number): boolean {
    const loss = this.spec.signalLoss;
    if (!loss) return false;
    const from = this.spec.plan.startAt + loss.fromMs;
    return ts >= from && ts < from + loss.durationMs;
  }

  /** Sends readings, or buffers them while the network is down; uploads the backlog once it is back. */
  private async send(batch: PlannedReading[], t: number): Promise<void> {
    const skew = this.spec.clockSkewMs ?? 0;
    const online = batch.filter((r) => !this.isOffline(r.ts));
    this.backlog.push(...batch.filter((r) => this.isOffline(r.ts)));
    if (this.backlog.length > 0 && !this.isOffline(t)) {
      await this.device!.uploadBacklog(this.backlog.map((r) => ({ ...r, ts: r.ts + skew })));
      this.backlog = [];
    }
    if (online.length > 0) await this.device!.publish(online.map((r) => ({ ...r, ts: r.ts + skew })));
  }

  /** Posts the handoffs and publishes the readings due up to device time `t`. */
  async advanceTo(t: number): Promise<void> {
    const { readings, handoffs } = this.spec.plan;
    while (true) {
      const handoff = handoffs[this.nextHandoff];
      const handoffAt = handoff && handoff.at <= t ? handoff.at : Number.POSITIVE_INFINITY;
      const batch = [];
      while (batch.length < MAX_BATCH && this.nextReading < readings.length) {
        const reading = readings[this.nextReading]!;
        if (reading.ts > t || reading.ts >= handoffAt) break;
        batch.push(reading);
        this.nextReading++;
      }
      if (batch.length > 0) await this.send(batch, Math.min(t, handoffAt));
      if (batch.length === MAX_BATCH) continue;
      if (handoffAt === Number.POSITIVE_INFINITY || !handoff) return;
      await this.api.recordHandoff(this.spec.shipmentId, {
        at: handoff.at,
        stage: handoff.stage,
        ...(handoff.role ? { toOrgId: this.spec.orgs[handoff.role] } : {}),
        station: handoff.station,
        probeTempC: handoff.probeTempC,
      });
      this.nextHandoff++;
    }
  }

  async stop(): Promise<void> {
    await this.device?.close();
    this.device = undefined;
  }
}

/** Replays a journey as fast as the server takes it (for tests and the CLI's `replay`). */
export async function replayJourney(spec: JourneySpec, api: ApiClient, mqttUrl: string): Promise<JourneyRunner> {
  const runner = new JourneyRunner(spec, api, mqttUrl);
  await runner.start();
  try {
    await runner.advanceTo(spec.plan.endAt);
  } finally {
    await runner.stop();
  }
  return runner;
}
