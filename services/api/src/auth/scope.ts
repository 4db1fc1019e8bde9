import { buildLegs, currentLeg, legAt } from '@coldchain/domain';
import type { Leg } from '@coldchain/domain';
import type { Alert, AlertFilter, Claim, OpsStore, Shipment } from '@coldchain/storage';
import { ApiError } from '../errors.ts';
import type { Principal } from './principal.ts';
import { hasRole, isPlatformOrg } from './principal.ts';

/**
 * What an organisation may see and act on (issue 12, item 2; docs/decisions/0019). One place, so every
 * route answers the same way:
 * - the platform's organisation sees everything;
 * - a shipper (streamer) sees its shipments, all their alerts, and the claims filed for it;
 * - a custodian (carrier, warehouse, courier) sees the shipments it holds or held, and their alerts raised
 *   up to the moment it handed over (not those raised after), plus any attributed to it; the claims
 *   against it;
 * - someone else's object answers 404, as one that does not exist.
 * Acting on an alert (acknowledge, resolve, silence) needs the role operator and an organisation that
 * holds the goods: the custodian when the alert was raised, or the one holding them now. A shipper that is
 * not holding the goods sees the alert and cannot resolve it against the station that is.
 */
export function createScope(ops: OpsStore) {
  /** Whether the organisation is a party to the shipment (its shipper, or scanned or corrected in as a custodian). */
  async function isParty(principal: Principal, shipment: Shipment): Promise<boolean> {
    if (isPlatformOrg(principal) || shipment.shipperOrgId === principal.orgId) return true;
    return ops.isShipmentParty(shipment.id, principal.orgId);
  }

  /** The shipment if the caller may see it; `shipment.not_found` otherwise (also for someone else's). */
  async function shipment(principal: Principal, id: string): Promise<Shipment> {
    const found = await ops.getShipment(id);
    if (!found || !(await isParty(principal, found))) throw new ApiError('shipment.not_found', `no shipment ${id}`);
    return found;
  }

  /** The shipment's legs with corrections applied. */
  async function legsOf(shipmentId: string): Promise<Leg[]> {
    return buildLegs(await ops.listEffectiveCustodyEvents(shipmentId));
  }

  /** Whether the caller may see an alert of a shipment it is a party to. */
  function alertVisibleGiven(principal: Principal, alert: Alert, shipment: Shipment, legs: readonly Leg[]): boolean {
    if (isPlatformOrg(principal) || shipment.shipperOrgId === principal.orgId) return true;
    if (alert.attribution.orgId === principal.orgId) return true;
    // Raised while or before it held the goods: an earlier custodian does not see what came after it handed over.
    return legs.some((leg) => leg.custodianOrgId === principal.orgId && (leg.endedAt === null || alert.firedAt < leg.endedAt));
  }

  /** Whether the caller's organisation holds the goods for this alert (when it was raised, or now). */
  function holdsGoods(principal: Principal, alert: Alert, legs: readonly Leg[]): boolean {
    return legAt(legs, alert.firedAt)?.custodianOrgId === principal.orgId || currentLeg(legs)?.custodianOrgId === principal.orgId;
  }

  /** The alert if the caller may see it (and, with `act`, act on it); 404 otherwise, 403 for seeing without the right to act. */
  async function alert(principal: Principal, id: string, options: { act?: boolean } = {}): Promise<Alert> {
    const found = await ops.getAlert(id);
    const notFound = new ApiError('alert.not_found', `no alert ${id}`);
    if (!found) throw notFound;
    if (isPlatformOrg(principal)) {
      if (options.act && !hasRole(principal, 'operator')) throw new ApiError('auth.forbidden', `acting on alerts needs the role operator or above; yours is ${principal.role}`);
      return found;
    }
    const ship = await ops.getShipment(found.shipmentId);
    if (!ship || !(await isParty(principal, ship))) throw notFound;
    const legs = await legsOf(ship.id);
    if (!alertVisibleGiven(principal, found, ship, legs)) throw notFound;
    if (options.act) {
      if (!hasRole(principal, 'operator')) throw new ApiError('auth.forbidden', `acting on alerts needs the role operator or above; yours is ${principal.role}`);
      if (!holdsGoods(principal, found, legs)) {
        throw new ApiError('auth.forbidden', `alert ${id} is for the station holding the goods; your organisation (${principal.orgId}) sees it and cannot act on it`);
      }
    }
    return found;
  }

  /** Whether the caller may act on alerts of this shipment (silences): it holds the goods now, or is the platform. */
  async function canActOnShipment(principal: Principal, shipmentId: string): Promise<boolean> {
    if (!hasRole(principal, 'operator')) return false;
    if (isPlatformOrg(principal)) return true;
    return currentLeg(await legsOf(shipmentId))?.custodianOrgId === principal.orgId;
  }

  /**
   * A page of alerts the caller may see, keyset-paged as the store's list: the store narrows to the
   * shipments the caller is a party to, the leg rule is applied here, reading on until the page is full.
   */
  async function listAlerts(principal: Principal, filter: AlertFilter, limit: number, after?: { createdAt: number; id: string }): Promise<Alert[]> {
    if (isPlatformOrg(principal)) return ops.listAlerts({ ...filter, limit, ...(after && { after }) });
    const out: Alert[] = [];
    const context = new Map<string, { shipment: Shipment | undefined; legs: Leg[] }>();
    let position = after;
    for (let round = 0; round < 50 && out.length < limit; round++) {
      const batch = await ops.listAlerts({ ...filter, partyOrgId: principal.orgId, limit: Math.max(limit * 2, 50), ...(position && { after: position }) });
      for (const candidate of batch) {
        let known = context.get(candidate.shipmentId);
        if (!known) {
          known = { shipment: await ops.getShipment(candidate.shipmentId), legs: await legsOf(candidate.shipmentId) };
          context.set(candidate.shipmentId, known);
        }
        if (known.shipment && alertVisibleGiven(principal, candidate, known.shipment, known.legs)) out.push(candidate);
        if (out.length >= limit) break;
      }
      if (batch.length < Math.max(limit * 2, 50)) break;
      const last = batch.at(-1)!;
      position = { createdAt: last.createdAt, id: last.id };
    }
    return out.slice(0, limit);
  }

  /** Whether the caller may see a claim: the platform, the party it is against, the shipper it is filed for. */
  async function claimVisible(principal: Principal, claim: Claim): Promise<boolean> {
    if (isPlatformOrg(principal) || claim.liableOrgId === principal.orgId) return true;
    return (await ops.getShipment(claim.shipmentId))?.shipperOrgId === principal.orgId;
  }

  /**
   * The shipment if the caller may export its whole record (evidence bundle, trip report, EPCIS), which
   * holds every leg, alert and claim: the platform, the shipper, and any party an excursion or claim of
   * the shipment is put on (it must be able to check the case against it). Another custodian sees the
   * shipment and its own legs, and is refused the export (403); someone else gets 404.
   */
  async function exportableShipment(principal: Principal, id: string): Promise<Shipment> {
    const found = await shipment(principal, id);
    if (isPlatformOrg(principal) || found.shipperOrgId === principal.orgId) return found;
    const [alerts, claims] = await Promise.all([ops.listAlerts({ shipmentId: id, limit: 1000 }), ops.listClaims({ shipmentId: id })]);
    if (alerts.some((a) => a.attribution.orgId === principal.orgId) || claims.some((c) => c.liableOrgId === principal.orgId)) return found;
    throw new ApiError('auth.forbidden', `the whole record of shipment ${id} goes to its shipper, the platform and the parties an excursion is put on; your organisation (${principal.orgId}) is none of these`);
  }

  /** An organisation the caller may address in a route (`/organisations/{id}/...`): its own, or any for the platform. */
  function organisation(principal: Principal, orgId: string): void {
    if (!principal.isPlatform && principal.orgId !== orgId) {
      throw new ApiError('organisation.unknown', `organisation ${orgId} is not yours: you act for ${principal.orgId} (the platform's administrators act for any)`);
    }
  }

  return { isParty, shipment, exportableShipment, legsOf, alertVisibleGiven, alert, canActOnShipment, listAlerts, claimVisible, organisation };
}

export type Scope = ReturnType<typeof createScope>;
