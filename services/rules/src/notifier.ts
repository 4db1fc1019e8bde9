import type { Logger } from 'pino';
import { buildLegs, currentLeg, PLATFORM_ORG_ID } from '@coldchain/domain';
import type { LocalizedText } from '@coldchain/domain';
import type { AlertEvent, ClaimEvent } from '@coldchain/bus';
import { deliveryKey, formatDingTalkMessage, formatFeishuMessage, formatWebhookPayload, formatWeComMessage } from '@coldchain/notify';
import type { MessageOptions, NotifyEvent, Outbox } from '@coldchain/notify';
import { isSilencing } from '@coldchain/storage';
import type { NotificationChannel, OpsStore, ProfileCatalog } from '@coldchain/storage';

/** Events that reach people's phones; acknowledgements and resolutions stay on the dashboards. */
const NOTIFIED: ReadonlySet<string> = new Set(['alert.opened', 'alert.reminder', 'alert.escalated', 'alert.cleared', 'claim.filed']);

/**
 * Turns alert and claim events into deliveries in the durable outbox, one per channel of each
 * organisation concerned (the alert's routing; for a claim, the liable party, the shipper and the
 * platform). Silenced alerts are not sent. The delivery key is stable per event and destination, so a
 * repeat is one delivery and a receiver can deduplicate on it.
 */
export function createNotifier(deps: { ops: OpsStore; profiles: ProfileCatalog; outbox: Outbox; baseUrl: string; now: () => number; log: Logger }) {
  const { ops, outbox, log } = deps;

  function format(channel: NotificationChannel, event: NotifyEvent, options: MessageOptions): object {
    const lang = { ...options, lang: channel.lang };
    switch (channel.type) {
      case 'webhook':
        return formatWebhookPayload(event);
      case 'dingtalk':
        return formatDingTalkMessage(event, lang);
      case 'wecom':
        return formatWeComMessage(event, lang);
      case 'feishu':
        return formatFeishuMessage(event, lang);
    }
  }

  return async (event: AlertEvent | ClaimEvent): Promise<void> => {
    if (!NOTIFIED.has(event.type)) return;
    const shipmentId = event.type === 'claim.filed' ? event.claim.shipmentId : event.alert.shipmentId;
    if (event.type !== 'claim.filed') {
      const silences = await ops.listSilences(deps.now());
      if (silences.some((s) => isSilencing(s, event.alert, deps.now()))) return;
      // A logger gone silent: the no-data alert says so; its temperature alerts would only repeat stale data.
      if (event.alert.kind !== 'no_data' && event.type !== 'alert.opened' && (await ops.findUnresolvedAlert(event.alert.shipmentId, 'no_data'))) return;
    }
    const shipment = await ops.getShipment(shipmentId);
    const orgs = await ops.listOrganisations();
    const orgNames: Record<string, LocalizedText> = Object.fromEntries(orgs.map((o) => [o.id, { zh: o.name, en: o.nameEn }]));
    const holderId = shipment ? currentLeg(buildLegs(await ops.listCustodyEvents(shipment.id)))?.custodianOrgId : undefined;
    const profile = shipment ? await deps.profiles.get(shipment.profileId) : undefined;
    const options: MessageOptions = {
      baseUrl: deps.baseUrl,
      holder: holderId ? (orgNames[holderId] ?? null) : null,
      orgNames,
      shipmentLabel: shipment ? `${shipment.id}（${shipment.origin} → ${shipment.destination}）` : shipmentId,
      ...(profile ? { productName: profile.name } : {}),
    };
    const targets = event.type === 'claim.filed' ? [event.claim.liableOrgId, shipment?.shipperOrgId, PLATFORM_ORG_ID] : event.alert.routedTo;
    for (const orgId of new Set(targets.filter((id): id is string => Boolean(id)))) {
      for (const channel of await ops.getOrgChannels(orgId)) {
        const result = await outbox.enqueue({
          key: deliveryKey(event as NotifyEvent, `${orgId}/${channel.id}`),
          channel: channel.type,
          url: channel.url,
          secret: channel.secret,
          payload: format(channel, event as NotifyEvent, options),
        });
        if (!result.ok) log.error({ orgId, channelId: channel.id, error: result }, 'notify.enqueue_refused');
      }
    }
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
