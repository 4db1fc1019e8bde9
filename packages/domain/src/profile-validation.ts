import type { ProductProfile } from './profiles.ts';

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isText = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

/** Collects errors as `field: rule`, the way the API reports bad input. */
class Errors {
  readonly list: string[] = [];
  add(field: string, rule: string): void {
    this.list.push(`${field}: ${rule}`);
  }
  /** Checks a number; returns whether it is one, so rules that compare it can run. */
  number(field: string, value: unknown, rule: { min?: number; above?: number; max?: number } = {}): value is number {
    if (!isNumber(value)) {
      this.add(field, 'must be a finite number');
      return false;
    }
    if (rule.above !== undefined && !(value > rule.above)) this.add(field, `must be above ${rule.above}`);
    if (rule.min !== undefined && value < rule.min) this.add(field, `must be at least ${rule.min}`);
    if (rule.max !== undefined && value > rule.max) this.add(field, `must be at most ${rule.max}`);
    return true;
  }
  text(field: string, value: unknown, rule = 'must not be empty'): void {
    if (!isText(value)) this.add(field, rule);
  }
}

function checkLimits(p: ProductProfile, errors: Errors): void {
  if (p.limits.length === 0) errors.add('limits', 'must hold at least one limit');
  if (!p.limits.some((l) => l.direction === 'above')) errors.add('limits', 'must hold an upper (above) limit');
  const { min: optMin, max: optMax } = p.optimumC;
  const seen = new Map<string, number>();
  p.limits.forEach((limit, i) => {
    const at = `limits[${i}]`;
    errors.text(`${at}.id`, limit.id);
    const twin = seen.get(limit.id);
    if (twin !== undefined) errors.add(`${at}.id`, `must be unique, "${limit.id}" is also limits[${twin}].id`);
    seen.set(limit.id, i);
    if (limit.direction !== 'above' && limit.direction !== 'below') errors.add(`${at}.direction`, "must be 'above' or 'below'");
    const hasThreshold = errors.number(`${at}.thresholdC`, limit.thresholdC);
    const hasHysteresis = errors.number(`${at}.hysteresisC`, limit.hysteresisC, { above: 0 });
    errors.number(`${at}.holdForMs`, limit.holdForMs, { min: 0 });
    errors.number(`${at}.keepFiringForMs`, limit.keepFiringForMs, { min: 0 });
    if (!(limit.tier === 1 || limit.tier === 2 || limit.tier === 3)) errors.add(`${at}.tier`, 'must be 1, 2 or 3');
    if (typeof limit.isClaimable !== 'boolean') errors.add(`${at}.isClaimable`, 'must be true or false');
    errors.text(`${at}.source`, limit.source, 'must name a source');
    if (!hasThreshold || !isNumber(optMin) || !isNumber(optMax)) return;
    if (limit.direction === 'above') {
      if (!(limit.thresholdC > optMax)) errors.add(`${at}.thresholdC`, `must be above optimumC.max (${optMax} °C)`);
      else if (hasHysteresis && limit.thresholdC - limit.hysteresisC < optMax) {
        errors.add(`${at}.hysteresisC`, `must not clear below optimumC.max (${optMax} °C): produce kept at its optimum would never clear the alert`);
      }
    } else if (limit.direction === 'below') {
      if (!(limit.thresholdC < optMin)) errors.add(`${at}.thresholdC`, `must be below optimumC.min (${optMin} °C)`);
      else if (hasHysteresis && limit.thresholdC + limit.hysteresisC > optMin) {
        errors.add(`${at}.hysteresisC`, `must not clear above optimumC.min (${optMin} °C): produce kept at its optimum would never clear the alert`);
      }
    }
  });
}

function checkShelfLife(p: ProductProfile, errors: Errors): void {
  const model = p.shelfLife;
  if (model === null) return;
  errors.number('shelfLife.referenceC', model.referenceC);
  errors.number('shelfLife.referenceLifeHours', model.referenceLifeHours, { above: 0 });
  if (model.model === 'q10') errors.number('shelfLife.q10', model.q10, { min: 1 });
  else if (model.model === 'arrhenius') errors.number('shelfLife.eaKjPerMol', model.eaKjPerMol, { above: 0 });
  else errors.add('shelfLife.model', "must be 'q10' or 'arrhenius'");
  errors.text('shelfLife.source', model.source, 'must name a source');
}

/**
 * Checks a product profile's rules; returns one message per broken rule, naming the field and the
 * rule (`limits[0].thresholdC: must be above optimumC.max (5 °C)`), or none for a valid profile.
 * The API runs it on profiles the platform edits; the shipped profiles pass it (profiles.test.ts).
 */
export function validateProfile(p: ProductProfile): string[] {
  const errors = new Errors();
  errors.text('id', p.id);
  errors.text('name.zh', p.name.zh);
  errors.text('name.en', p.name.en);

  const hasMin = errors.number('optimumC.min', p.optimumC.min);
  const hasMax = errors.number('optimumC.max', p.optimumC.max);
  if (hasMin && hasMax && p.optimumC.min > p.optimumC.max) errors.add('optimumC.min', `must not be above optimumC.max (${p.optimumC.max} °C)`);
  errors.text('optimumC.source', p.optimumC.source, 'must name a source');

  const hasRhMin = errors.number('rhPct.min', p.rhPct.min, { min: 0, max: 100 });
  const hasRhMax = errors.number('rhPct.max', p.rhPct.max, { min: 0, max: 100 });
  if (hasRhMin && hasRhMax && p.rhPct.min > p.rhPct.max) errors.add('rhPct.min', `must not be above rhPct.max (${p.rhPct.max} %)`);
  errors.text('rhPct.source', p.rhPct.source, 'must name a source');

  checkLimits(p, errors);

  errors.number('claim.minOutsideMs', p.claim.minOutsideMs, { above: 0 });
  errors.number('claim.damagedShare', p.claim.damagedShare, { min: 0, max: 1 });
  errors.text('claim.source', p.claim.source, 'must name a source');

  errors.number('budget.maxOutsideMs', p.budget.maxOutsideMs, { above: 0 });
  errors.number('budget.maxDegreeMinutes', p.budget.maxDegreeMinutes, { above: 0 });
  errors.text('budget.source', p.budget.source, 'must name a source');

  checkShelfLife(p, errors);

  errors.number('mktDeltaHOverR', p.mktDeltaHOverR, { above: 0 });
  errors.text('mktDeltaHOverRSource', p.mktDeltaHOverRSource, 'must name a source');
  errors.number('maxReadingGapMs', p.maxReadingGapMs, { above: 0 });
  errors.text('maxReadingGapSource', p.maxReadingGapSource, 'must name a source');

  if (p.sources.length === 0) errors.add('sources', 'must list at least one source');
  p.sources.forEach((s, i) => errors.text(`sources[${i}]`, s));
  return errors.list;
}
