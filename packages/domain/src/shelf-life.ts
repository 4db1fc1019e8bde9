import { GAS_CONSTANT_J_PER_MOL_K } from './profile-defaults.ts';
import type { ShelfLifeModel } from './profiles.ts';

const KELVIN_OFFSET = 273.15;

/**
 * Shelf life, in hours, of produce held at `tempC` throughout: the reference life divided by Q10 for
 * every 10 °C above the reference temperature, or scaled by Arrhenius with the activation energy.
 */
export function shelfLifeHoursAt(model: ShelfLifeModel, tempC: number): number {
  if (model.model === 'q10') return model.referenceLifeHours / model.q10 ** ((tempC - model.referenceC) / 10);
  const eaOverR = (model.eaKjPerMol * 1000) / GAS_CONSTANT_J_PER_MOL_K;
  const rateFactor = Math.exp(eaOverR * (1 / (model.referenceC + KELVIN_OFFSET) - 1 / (tempC + KELVIN_OFFSET)));
  return model.referenceLifeHours / rateFactor;
}
