import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { expect } from 'vitest';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { telemetryTopic } from '@coldchain/schemas';
import type { ServiceProcess } from './service-process.ts';
import { readingOf, seededRandom } from './crash-plan.ts';
import type { FleetSpec } from './crash-plan.ts';
import { checkStore, waitForStored } from './crash-store.ts';
import type { StoreCheck } from './crash-store.ts';

export { defaultFleet } from './crash-plan.ts';
export type { FleetSpec } from './crash-plan.ts';

/**
 * Crash tests of "acknowledged means stored" (issue 8): loggers with persistent sessions publish under
 * load, the service is interrupted (SIGKILL, SIGTERM, SIGINT) and restarted on the same DATA_DIR, the
 * loggers resend what was not acknowledged, and the store is read directly afterwards.
 */

type Logger = {
  d: number;
  deviceId: string;
  client: MqttClient;
  next: number;
  inFlight: number;
  acked: boolean[];
  /** Acknowledged before the interruption's signal went out (the rest were acknowledged after it). */
  ackedBeforeSignal: boolean[];
  /** PUBLISH packets written per message: more than one means mqtt.js resent it. */
  sends: number[];
  /** Messages whose publish failed (not stored by mqtt.js): the logger publishes them again itself. */
  retry: number[];
  republished: number;
};

/** What the fleet did. */
export type FleetStats = {
  messages: number;
  acknowledged: number;
  /** Messages mqtt.js wrote more than once (resent from its outgoing store after a reconnect). */
  resentByMqttJs: number;
  /** Publishes that failed in mqtt.js and that the logger published again itself. */
  republishedByLogger: number;
  connectionErrors: number;
};

/**
 * Loggers as mqtt.js clients: clientId = username = device id, persistent session (clean: false),
 * QoS 1, reconnecting every 200 ms, each publishing its messages as fast as its window allows.
 */
export class LoggerFleet {
  private readonly loggers: Logger[] = [];
  private ackedTotal = 0;
  private connectionErrors = 0;
  private hooks: { at: number; fire: () => void }[] = [];
  private isSignalled = false;

  constructor(
    private readonly url: string,
    readonly spec: FleetSpec,
    private readonly passwords: Map<string, string> = new Map(),
  ) {}

  get total(): number {
    return this.spec.deviceIds.length * this.spec.messagesPerLogger;
  }

  get acknowledged(): number {
    return this.ackedTotal;
  }

  get inFlight(): number {
    return this.loggers.reduce((sum, l) => sum + l.inFlight, 0);
  }

  /** Connects every logger (bounded) and starts publishing. */
  async start(): Promise<void> {
    const { spec } = this;
    await Promise.all(
      spec.deviceIds.map(async (deviceId, d) => {
        const client = mqtt.connect(this.url, { clientId: deviceId, username: deviceId, password: this.passwords.get(deviceId) ?? 'anonymous', clean: false, protocolVersion: 4, reconnectPeriod: 200, connectTimeout: 5_000 });
        const logger: Logger = { d, deviceId, client, next: 0, inFlight: 0, acked: new Array<boolean>(spec.messagesPerLogger).fill(false), ackedBeforeSignal: new Array<boolean>(spec.messagesPerLogger).fill(false), sends: new Array<number>(spec.messagesPerLogger).fill(0), retry: [], republished: 0 };
        client.on('error', () => this.connectionErrors++);
        client.on('packetsend', (packet) => {
          if (packet.cmd !== 'publish') return;
          const seq = /"seq":(\d+)/.exec(String((packet as IPublishPacket).payload).slice(0, 24))?.[1];
          if (seq !== undefined) logger.sends[Number(seq)]!++;
        });
        this.loggers.push(logger);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`logger ${deviceId} could not connect to ${this.url}`)), 10_000);
          client.once('connect', () => (clearTimeout(timer), resolve()));
        });
      }),
    );
    for (const logger of this.loggers) this.pump(logger);
  }

  private payload(logger: Logger, m: number): string {
    const readings = Array.from({ length: this.spec.readingsPerMessage }, (_, k) => readingOf(this.spec, logger.d, m, k));
    return JSON.stringify({ seq: m, readings });
  }

  private pump(logger: Logger): void {
    while (logger.inFlight < this.spec.window) {
      const m = logger.retry.shift() ?? (logger.next < this.spec.messagesPerLogger ? logger.next++ : undefined);
      if (m === undefined) return;
      logger.inFlight++;
      logger.client.publish(telemetryTopic(logger.deviceId), this.payload(logger, m), { qos: 1 }, (error) => {
        logger.inFlight--;
        if (error) {
          // mqtt.js dropped it (e.g. queued while the connection closed): publish it again, a little later.
          logger.republished++;
          setTimeout(() => (logger.retry.push(m), this.pump(logger)), 100);
          return;
        }
        if (!logger.acked[m]) {
          logger.acked[m] = true;
          logger.ackedBeforeSignal[m] = !this.isSignalled;
          this.ackedTotal++;
          this.fireHooks();
        }
        setImmediate(() => this.pump(logger));
      });
    }
  }

  private fireHooks(): void {
    const due = this.hooks.filter((h) => this.ackedTotal >= h.at);
    this.hooks = this.hooks.filter((h) => this.ackedTotal < h.at);
    for (const hook of due) hook.fire();
  }

  /** Calls `fire` synchronously inside the PUBACK callback that brings the count to `count`. */
  atAcknowledged(count: number, fire: () => void): void {
    this.hooks.push({ at: count, fire });
    this.fireHooks();
  }

  /** Marks the interruption: acknowledgements from now on count as after it. */
  markSignalled(): void {
    this.isSignalled = true;
  }

  /** Waits until every message is acknowledged; false after `timeoutMs`. */
  async waitAllAcknowledged(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.ackedTotal < this.total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return this.ackedTotal === this.total;
  }

  /** Whether message m of logger d was acknowledged. */
  isAcknowledged(d: number, m: number): boolean {
    return this.loggers.find((l) => l.d === d)?.acked[m] === true;
  }

  /** Whether message m of logger d was acknowledged before the interruption's signal. */
  isAcknowledgedBeforeSignal(d: number, m: number): boolean {
    return this.loggers.find((l) => l.d === d)?.ackedBeforeSignal[m] === true;
  }

  stats(): FleetStats {
    return {
      messages: this.total,
      acknowledged: this.ackedTotal,
      resentByMqttJs: this.loggers.reduce((sum, l) => sum + l.sends.filter((n) => n > 1).length, 0),
      republishedByLogger: this.loggers.reduce((sum, l) => sum + l.republished, 0),
      connectionErrors: this.connectionErrors,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.loggers.map((l) => l.client.endAsync(true)));
  }
}

export function adminTokenOf(dataDir: string): string {
  return readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
}

/** How an interruption ended. */
export type InterruptOutcome = {
  signal: NodeJS.Signals;
  /** Fraction of all messages acknowledged when the signal went out, and how many were in flight. */
  atFraction: number;
  acknowledgedAtSignal: number;
  inFlightAtSignal: number;
  /** For SIGTERM/SIGINT: whether every process of the group ended by itself within the bound, how, and how fast. */
  isGoneByItself: boolean;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  exitMs: number | null;
  /** Processes still running when the bound passed (they were then stopped by force). */
  leftRunning: string[];
};

/** The whole run: the interruption, the fleet, the store, the final stop. */
export type CrashReport = { name: string; seed: number; interrupt: InterruptOutcome; fleet: FleetStats; isAllAcknowledged: boolean; store: StoreCheck; isFinalStopClean: boolean; durationMs: number };

/**
 * One crash run against a started service: the fleet publishes, `signal` goes out when a seeded random
 * 20–80 % of the messages are acknowledged (SIGKILL to the whole process group; SIGTERM/SIGINT to the
 * spawned process only, which must then end with its whole group within `graceMs`), `restart` starts
 * the service again on the same data, the loggers finish, the service is stopped, the store is read.
 */
export async function runCrash(options: {
  name: string;
  seed: number;
  dataDir: string;
  mqttUrl: string;
  spec: FleetSpec;
  passwords?: Map<string, string>;
  service: ServiceProcess;
  signal: NodeJS.Signals;
  restart: () => Promise<ServiceProcess>;
  stop: (service: ServiceProcess) => Promise<{ isClean: boolean }>;
  graceMs?: number;
}): Promise<CrashReport> {
  const startedAt = Date.now();
  const random = seededRandom(options.seed);
  const atFraction = 0.2 + 0.6 * random();
  const fleet = new LoggerFleet(options.mqttUrl, options.spec, options.passwords);
  try {
    await fleet.start();
    let signalledAt = 0;
    let acknowledgedAtSignal = 0;
    let inFlightAtSignal = 0;
    const signalled = new Promise<void>((resolve) =>
      fleet.atAcknowledged(Math.ceil(atFraction * fleet.total), () => {
        if (options.signal === 'SIGKILL') options.service.signalGroup('SIGKILL');
        else options.service.signal(options.signal);
        fleet.markSignalled();
        signalledAt = Date.now();
        acknowledgedAtSignal = fleet.acknowledged;
        inFlightAtSignal = fleet.inFlight;
        resolve();
      }),
    );
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${options.name}: ${(atFraction * 100).toFixed(0)} % of the messages were not acknowledged within 30 s (${fleet.acknowledged}/${fleet.total})`)), 30_000).unref());
    await Promise.race([signalled, timeout]);

    const graceMs = options.signal === 'SIGKILL' ? 5_000 : (options.graceMs ?? 15_000);
    const isGoneByItself = await options.service.waitGone(graceMs);
    // The group is gone by /proc; the child's exit event may still be on its way.
    const exitStatus = await Promise.race([options.service.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), isGoneByItself ? 2_000 : 0))]);
    const leftRunning = isGoneByItself ? [] : options.service.members().map((p) => `${p.pid} ${p.command.slice(0, 120)}`);
    if (!isGoneByItself) {
      // What a user would do next (Ctrl-C reaches the whole group), then force, so the run can go on
      // and measure what was lost.
      options.service.signalGroup('SIGINT');
      if (!(await options.service.waitGone(15_000))) options.service.signalGroup('SIGKILL');
      await options.service.waitGone(5_000);
    }
    const interrupt: InterruptOutcome = { signal: options.signal, atFraction, acknowledgedAtSignal, inFlightAtSignal, isGoneByItself, exit: exitStatus, exitMs: isGoneByItself ? Date.now() - signalledAt : null, leftRunning };

    const restarted = await options.restart();
    const isAllAcknowledged = await fleet.waitAllAcknowledged(60_000);
    const expected = options.spec.deviceIds.length * options.spec.messagesPerLogger * options.spec.readingsPerMessage;
    await waitForStored(options.dataDir, expected);
    const { isClean } = await options.stop(restarted);
    const report: CrashReport = { name: options.name, seed: options.seed, interrupt, fleet: fleet.stats(), isAllAcknowledged, store: checkStore(options.dataDir, fleet), isFinalStopClean: isClean, durationMs: Date.now() - startedAt };
    console.log(`crash report ${JSON.stringify(report)}`);
    return report;
  } finally {
    await fleet.close();
  }
}

/** The seed of this run: CRASH_SEED to replay one, otherwise random (printed in the report). */
export function crashSeed(): number {
  return process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 2 ** 31);
}

/** Every acknowledged reading is in the store with its value, once; nothing refused, nothing stray. */
export function expectAcknowledgedStored(report: CrashReport): void {
  const { store } = report;
  expect(report.isAllAcknowledged, `${report.name}: the loggers did not get every message acknowledged after the restart`).toBe(true);
  expect({ lost: store.lost, lostAckedBeforeSignal: store.lostAckedBeforeSignal, lostAckedAfterSignal: store.lostAckedAfterSignal, lostSample: store.lostSample }, `${report.name}: acknowledged readings missing from the store (seed ${report.seed})`).toEqual({ lost: 0, lostAckedBeforeSignal: 0, lostAckedAfterSignal: 0, lostSample: [] });
  expect(store.duplicated, 'a (device, ts) stored twice').toBe(0);
  expect(store.wrongValue, 'a reading stored with another value than sent').toBe(0);
  expect(store.unexpected, 'readings nobody sent').toBe(0);
  expect(store.rollupMismatches ?? 0, 'rollup buckets that disagree with the stored readings').toBe(0);
  expect(store.evidenceMissing, 'acknowledged messages whose original bytes are not kept as evidence').toBe(0);
  expect(store.deadLetters, 'dead letters (a refused message is acknowledged without being stored)').toEqual({});
  expect(report.isFinalStopClean, 'the final stop (SIGINT to the group) did not end every process within 15 s').toBe(true);
}

/** SIGTERM/SIGINT to the process `npm start` made: it and every process under it end within the bound, exit 0. */
export function expectGracefulExit(report: CrashReport): void {
  const { interrupt } = report;
  expect.soft({ isGoneByItself: interrupt.isGoneByItself, leftRunning: interrupt.leftRunning }, `${interrupt.signal} to npm: processes left running after 15 s`).toEqual({ isGoneByItself: true, leftRunning: [] });
  expect.soft(interrupt.exit, `${interrupt.signal} to npm: exit status`).toEqual({ code: 0, signal: null });
}
