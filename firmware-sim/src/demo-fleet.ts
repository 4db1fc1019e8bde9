import type { Logger } from 'pino';
import { createApiClient } from './api-client.ts';
import { DEMO_ORGS, DEMO_ROLE_ORGS } from './demo-orgs.ts';
import { runAfterSalesStory } from './demo-story.ts';
import { JourneyRunner } from './journey-runner.ts';
import { HUB_AC_FAILURE, planJourney } from './journey.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Options of the demo fleet. */
export type DemoFleetOptions = {
  apiUrl: string;
  mqttUrl: string;
  adminToken: string;
  /** Device time runs this many times faster than the wall clock. */
  speed: number;
  shipmentCount: number;
  /** Wall-clock time source, injected for tests. */
  now?: () => number;
  log: Logger;
  /** Runs the after-sales story on each wave's failing shipment (default true). */
  story?: boolean;
  /** Told of each wave's shipments once they exist (for printing the consumer URLs). */
  onWave?: (wave: { number: number; shipments: { id: string; traceCode: string; hasAcFailure: boolean }[] }) => void;
};

/** Shipments start this far apart in device time. */
const STAGGER_MS = 30 * MIN;
/** A wave's device time starts this far in the past so that it ends about now, never in the future. */
const WAVE_SPAN_MS = 50 * HOUR;

/**
 * The demo: waves of lychee shipments from Hainan, one logger each, in accelerated device time; the first
 * shipment of each wave meets a hub air-conditioning failure. When a wave is delivered the next begins.
 */
export function startDemoFleet(options: DemoFleetOptions): { stop(): Promise<void>; done: Promise<void> } {
  const { log, speed } = options;
  const now = options.now ?? Date.now;
  const api = createApiClient(options.apiUrl, options.adminToken);
  let isStopping = false;
  let runners: JourneyRunner[] = [];

  async function runWave(number: number): Promise<void> {
    const wallStart = now();
    const deviceStart = wallStart - WAVE_SPAN_MS;
    // To the second: a restart within the same minute must not reuse the last run's shipment ids.
    const tag = new Date(wallStart).toISOString().slice(0, 19).replace(/[-:T]/g, '');
    runners = Array.from({ length: options.shipmentCount }, (_, i) => {
      const n = String(i + 1).padStart(2, '0');
      const plan = planJourney({ startAt: deviceStart + i * STAGGER_MS, seed: wallStart + i, acFailure: i === 0 ? HUB_AC_FAILURE : null });
      return new JourneyRunner(
        {
          shipmentId: `LZ-${tag}-${n}`,
          deviceId: `logger-${tag}-${n}`,
          plan,
          orgs: DEMO_ROLE_ORGS,
          origin: '海南省海口市',
          destination: ['湖北省武汉市', '湖南省长沙市', '江西省南昌市', '河南省郑州市'][i % 4]!,
          boxes: 500,
          goodsValueCents: 500 * 9_900, // 500 boxes at ¥99
          freightCents: 500 * 1_500,
        },
        api,
        options.mqttUrl,
      );
    });
    for (const runner of runners) await runner.start();
    options.onWave?.({ number, shipments: runners.map((r, i) => ({ id: r.spec.shipmentId, traceCode: r.traceCode, hasAcFailure: i === 0 })) });
    log.info({ wave: number, shipments: runners.length, speed }, 'demo.wave_started');
    // The after-sales story on the failing shipment, beside the journeys (issue 13, item 8).
    let isWaveOver = false;
    const failing = runners[0];
    const story = failing && options.story !== false
      ? runAfterSalesStory({ api, apiUrl: options.apiUrl, shipmentId: failing.spec.shipmentId, traceCode: failing.traceCode, hubOrgId: DEMO_ROLE_ORGS.hub, log, now, isStopping: () => isStopping || isWaveOver }).catch((error: unknown) => log.warn({ err: error }, 'demo.story_failed'))
      : Promise.resolve();
    while (!isStopping && runners.some((r) => !r.isDone)) {
      const deviceNow = deviceStart + (now() - wallStart) * speed;
      for (const runner of runners) await runner.advanceTo(deviceNow);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    isWaveOver = true;
    await story;
    await Promise.all(runners.map((r) => r.stop()));
  }

  const done = (async () => {
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
    for (let wave = 1; !isStopping; wave++) await runWave(wave);
  })().catch((error: unknown) => {
    if (!isStopping) log.error({ err: error }, 'demo.failed');
  });

  return {
    done,
    async stop() {
      isStopping = true;
      await done;
      await Promise.all(runners.map((r) => r.stop()));
    },
  };
}
