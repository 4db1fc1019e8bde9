import { detectCycling, evaluateReading, forecastCrossing, initialRuleState, pushToWindow, warningSettingsFor } from '@coldchain/domain';
import type { ProductProfile, RuleState, Sample, SampleWindow, SystemResolution, TemperatureLimit } from '@coldchain/domain';
import type { Shipment } from '@coldchain/storage';
import type { WarningRecorder } from './warning-recorder.ts';

/** A warning is cleared only after its condition has been gone this long (device time): no flapping. */
const CLEAR_AFTER_MS = 15 * 60_000;

/** The early-warning state of one device on one shipment: its recent readings and open warnings. */
export type WarningState = {
  window: SampleWindow;
  /** Open warnings by rule id, with the device time their condition was last true (made when first needed). */
  open: Map<string, number> | null;
  humidity: RuleState | null;
};

export function initialWarningState(): WarningState {
  return { window: { t: [], v: [] }, open: null, humidity: null };
}

const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));

/**
 * Evaluates the early warnings after a reading: trend towards each limit ("will cross 15 °C in about
 * N minutes"), reefer start-stop cycling, and low humidity where the profile warns on it. `limitStates`
 * says which limits are already pending or firing: no forecast for a limit already crossed.
 */
export async function evaluateWarnings(input: {
  state: WarningState;
  sample: Sample;
  shipmentId: string;
  /** The whole shipment, read only when a warning is raised. */
  loadShipment: () => Promise<Shipment>;
  deviceId: string;
  profile: ProductProfile;
  limitStates: ReadonlyMap<string, RuleState['state']>;
  recorder: WarningRecorder;
}): Promise<void> {
  const { state, sample, shipmentId, deviceId, profile, recorder } = input;
  const settings = warningSettingsFor(profile.id);
  const horizon = Math.max(settings.trend.windowMs, settings.cycling.windowMs);
  pushToWindow(state.window, sample.sampledAt, sample.tempC, horizon);

  const raiseOrClear = async (ruleId: string, isActive: boolean, raise: () => Promise<unknown>, resolution: SystemResolution) => {
    if (isActive) {
      (state.open ??= new Map<string, number>()).set(ruleId, sample.sampledAt);
      await raise();
      return;
    }
    const lastTrue = state.open?.get(ruleId);
    if (lastTrue !== undefined && sample.sampledAt - lastTrue >= CLEAR_AFTER_MS) {
      state.open?.delete(ruleId);
      await recorder.clear(shipmentId, ruleId, sample.sampledAt, resolution);
    }
  };

  for (const limit of profile.limits) {
    const ruleId = `${limit.id}.trend`;
    const limitState = input.limitStates.get(limit.id) ?? 'inactive';
    if (limitState !== 'inactive') {
      // The limit itself is crossed: the excursion alert takes over from the forecast.
      if (state.open?.delete(ruleId)) await recorder.clear(shipmentId, ruleId, sample.sampledAt, 'limit_crossed');
      continue;
    }
    // Forecast only once outside the optimum on that side: fruit cooling back from a failure towards its
    // set point runs steeply at first, and a line through it would "cross" the low limit it never nears.
    const isOutsideOptimum = limit.direction === 'above' ? sample.tempC > profile.optimumC.max : sample.tempC < profile.optimumC.min;
    const forecast = isOutsideOptimum ? forecastCrossing(state.window, limit, settings.trend) : ({ willCross: false } as const);
    await raiseOrClear(ruleId, forecast.willCross, () => raiseTrend(limit, forecast.willCross ? forecast.inMs : 0, forecast.willCross ? forecast.slopeCPerHour : 0), 'trend_gone');
  }

  async function raiseTrend(limit: TemperatureLimit, inMs: number, slope: number) {
    const word = limit.direction === 'above' ? { zh: '高于', en: 'above' } : { zh: '低于', en: 'below' };
    await recorder.raise({
      shipment: await input.loadShipment(), deviceId, ruleId: `${limit.id}.trend`, kind: 'warning', tier: 3,
      message: {
        zh: `温度趋势预警：按当前每小时 ${Math.abs(slope).toFixed(1)} °C 的变化，预计约 ${minutes(inMs)} 分钟后${word.zh} ${limit.thresholdC} °C（当前 ${sample.tempC.toFixed(1)} °C）`,
        en: `Trend warning: at ${Math.abs(slope).toFixed(1)} °C per hour, will be ${word.en} ${limit.thresholdC} °C in about ${minutes(inMs)} minutes (now ${sample.tempC.toFixed(1)} °C)`,
      },
      at: sample.sampledAt, thresholdC: limit.thresholdC, direction: limit.direction, valueC: sample.tempC,
    });
  }

  const cycling = detectCycling(state.window, settings.cycling);
  await raiseOrClear(
    'reefer.cycling',
    cycling.isCycling,
    async () =>
      recorder.raise({
        shipment: await input.loadShipment(), deviceId, ruleId: 'reefer.cycling', kind: 'warning', tier: 3,
        message: {
          zh: `冷机启停循环预警：${Math.round(settings.cycling.windowMs / 3_600_000)} 小时内温度往复 ${cycling.swings} 次，幅度 ${cycling.amplitudeC.toFixed(1)} °C；冷藏车应连续运行`,
          en: `Reefer start-stop cycling: ${cycling.swings} swings of up to ${cycling.amplitudeC.toFixed(1)} °C within ${Math.round(settings.cycling.windowMs / 3_600_000)} h; reefers must run continuously`,
        },
        at: sample.sampledAt, thresholdC: settings.cycling.minSwingC, direction: 'above', valueC: sample.tempC,
      }),
    'swings_stopped',
  );

  const rh = settings.lowHumidity;
  if (rh && sample.rhPct !== null) {
    const limit: TemperatureLimit = { id: 'humidity.low', direction: 'below', thresholdC: rh.belowPct, holdForMs: rh.holdForMs, keepFiringForMs: rh.keepFiringForMs, hysteresisC: rh.hysteresisPct, tier: 3, isClaimable: false, source: 'warning settings' };
    const evaluation = evaluateReading(limit, state.humidity ?? initialRuleState(), { sampledAt: sample.sampledAt, tempC: sample.rhPct }, profile.maxReadingGapMs);
    if (!evaluation.isEvaluated) return;
    state.humidity = evaluation.state;
    if (evaluation.state.state === 'firing') {
      await recorder.raise({
        shipment: await input.loadShipment(), deviceId, ruleId: 'humidity.low', kind: 'warning', tier: 3,
        message: {
          zh: `湿度过低预警：相对湿度 ${sample.rhPct.toFixed(0)}%，低于 ${rh.belowPct}%，荔枝果皮失水易褐变`,
          en: `Low humidity: ${sample.rhPct.toFixed(0)} % RH, below ${rh.belowPct} %; lychee pericarp browns as it loses water`,
        },
        at: sample.sampledAt, thresholdC: rh.belowPct, direction: 'below', valueC: sample.rhPct,
      });
    } else if (evaluation.transition?.previous === 'firing') {
      await recorder.clear(shipmentId, 'humidity.low', sample.sampledAt, 'humidity_back');
    }
  }
}
