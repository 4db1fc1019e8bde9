import type { Logger } from 'pino';
import { buildLegs, currentLeg, PLATFORM_ORG_ID } from '@coldchain/domain';
import type { LocalizedText } from '@coldchain/domain';
import type { AlertEvent, ClaimEvent, ClaimTimerEvent } from '@coldchain/bus';
import { claimLinks, deliveryKey, describeEvent, formatDingTalkMessage, formatFeishuMessage, formatWebhookPayload, formatWeComMessage, renderPlainText } from '@coldchain/notify';
import type { MessageOptions, NotifyAfterSalesEvent, NotifyClaimUpdateEvent, NotifyEvent, NotifyHandoffEvent, Outbox } from '@coldchain/notify';
import { isSilencing } from '@coldchain/storage';
import type { NotificationChannel, OpsStore, ProfileCatalog } from '@coldchain/storage';
import { formatGroup, GROUP_INTERVAL_MS, isUrgent } from './notification-groups.ts';

/** Events that reach people's phones; acknowledgements and resolutions stay on the dashboards. */
const NOTIFIED: ReadonlySet<string> = new Set(['alert.opened', 'alert.reminder', 'alert.escalated', 'alert.cleared', 'claim.filed', 'claim.reminder', 'claim.escalated', 'claim.updated']);

/**
 * Turns alert and claim events into deliveries in the durable outbox, one per channel of each
 * organisation concerned (the alert's routing; for a claim, the liable party, the shipper and the
 * platform). Silenced alerts are not sent. The delivery key is stable per event and destination, so a
 * repeat is one delivery and a receiver can deduplicate on it.
 */
export function createNotifier(deps: { ops: OpsStore; profiles: ProfileCatalog; outbox: Outbox; baseUrl: string; now: () => number; log: Logger; groupIntervalMs?: number }) {
  const { ops, outbox, log } = deps;
  const groupIntervalMs = deps.groupIntervalMs ?? GROUP_INTERVAL_MS;
  // Per (organisation, channel, shipment): when the last message went out, and what waits for the next.
  const groups = new Map<string, { sentAt: number; waiting: NotifyEvent[]; timer: NodeJS.Timeout | null; channel: NotificationChannel; options: MessageOptions; shipmentId: string }>();

  async function enqueue(key: string, channel: NotificationChannel, payload: object, orgId: string): Promise<void> {
    const result = await outbox.enqueue({ key, channel: channel.type, url: channel.url, secret: channel.secret, payload });
    if (!result.ok) log.error({ orgId, channelId: channel.id, error: result }, 'notify.enqueue_refused');
  }

  function flushGroup(groupKey: string, orgId: string): void {
    const group = groups.get(groupKey);
    if (!group || group.waiting.length === 0) return;
    const events = group.waiting.splice(0);
    group.timer = null;
    group.sentAt = deps.now();
    const key = `group:${groupKey}:${deliveryKey(events[events.length - 1]!, '')}`;
    const payload = events.length === 1 ? format(group.channel, events[0]!, group.options) : formatGroup(group.channel, events, group.options, group.shipmentId);
    void enqueue(events.length === 1 ? deliveryKey(events[0]!, `${orgId}/${group.channel.id}`) : key, group.channel, payload, orgId).catch((error: unknown) => log.error({ err: error }, 'notify.group_failed'));
  }

  /** Sends now, or holds the event for the shipment's next grouped message. */
  async function route(orgId: string, channel: NotificationChannel, event: NotifyEvent, options: MessageOptions, shipmentId: string): Promise<void> {
    const groupKey = `${orgId}/${channel.id}/${shipmentId}`;
    const now = deps.now();
    const group = groups.get(groupKey);
    if (isUrgent(event) || !group || now - group.sentAt >= groupIntervalMs) {
      if (group?.timer) clearTimeout(group.timer);
      const waiting = group?.waiting ?? [];
      groups.set(groupKey, { sentAt: now, waiting: [], timer: null, channel, options, shipmentId });
      // Whatever waited goes out with this one, in order.
      if (waiting.length > 0) {
        const events = [...waiting, event];
        await enqueue(`group:${groupKey}:${deliveryKey(event, '')}`, channel, formatGroup(channel, events, options, shipmentId), orgId);
        return;
      }
      await enqueue(deliveryKey(event, `${orgId}/${channel.id}`), channel, format(channel, event, options), orgId);
      return;
    }
    group.waiting.push(event);
    group.options = options;
    if (!group.timer) group.timer = setTimeout(() => flushGroup(groupKey, orgId), Math.max(0, group.sentAt + groupIntervalMs - now));
  }

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

  const notify = async (event: AlertEvent | ClaimEvent | ClaimTimerEvent | NotifyClaimUpdateEvent): Promise<void> => {
    if (!NOTIFIED.has(event.type)) return;
    const shipmentId = 'claim' in event ? event.claim.shipmentId : event.alert.shipmentId;
    if (!('claim' in event)) {
      const silences = await ops.listSilences(deps.now());
      if (silences.some((s) => isSilencing(s, event.alert, deps.now()))) return;
      // A logger gone silent: the no-data alert says so; its temperature alerts would only repeat stale data.
      if (event.alert.kind !== 'no_data' && event.type !== 'alert.opened' && (await ops.findUnresolvedAlert(event.alert.shipmentId, 'no_data'))) return;
    }
    const shipment = await ops.getShipment(shipmentId);
    const orgs = await ops.listOrganisations();
    const orgNames: Record<string, LocalizedText> = Object.fromEntries(orgs.map((o) => [o.id, { zh: o.name, en: o.nameEn }]));
    const holderId = shipment ? currentLeg(buildLegs(await ops.listEffectiveCustodyEvents(shipment.id)))?.custodianOrgId : undefined;
    const profile = shipment ? await deps.profiles.get(shipment.profileId) : undefined;
    const options: MessageOptions = {
      baseUrl: deps.baseUrl,
      holder: holderId ? (orgNames[holderId] ?? null) : null,
      orgNames,
      shipmentLabel: shipment ? `${shipment.id}（${shipment.origin} → ${shipment.destination}）` : shipmentId,
      ...(profile ? { productName: profile.name } : {}),
    };
    // A claim's reminder is the carrier's alone; a new or escalated claim goes to the carrier, the shipper
    // and the platform; a step taken through the API goes to those of them who did not take it.
    const claimParties = 'claim' in event ? [event.claim.liableOrgId, shipment?.shipperOrgId, PLATFORM_ORG_ID] : [];
    const targets =
      event.type === 'claim.reminder'
        ? [event.claim.liableOrgId]
        : event.type === 'claim.updated'
          ? claimParties.filter((id) => id !== event.step.actor.orgId)
          : 'claim' in event
            ? claimParties
            : event.alert.routedTo;
    // Every claim message carries the claim's evidence links (issue 13, item 1), absolute under the public URL.
    const notified = event.type === 'claim.filed' ? { ...event, links: claimLinks(deps.baseUrl, event.claim) } : event;
    for (const orgId of new Set(targets.filter((id): id is string => Boolean(id)))) {
      for (const channel of await ops.getOrgChannels(orgId)) await route(orgId, channel, notified as NotifyEvent, options, shipmentId);
    }
  };
  return Object.assign(notify, {
    /**
     * A witnessed head to the parties of a handoff (head-relay.ts): each channel of each organisation at
     * once, never held for a group, so each party gets the head in a message of its own.
     */
    async handoff(event: NotifyHandoffEvent, orgIds: readonly string[]): Promise<void> {
      const shipment = await ops.getShipment(event.shipment.id);
      const options: MessageOptions = { baseUrl: deps.baseUrl, shipmentLabel: shipment ? `${shipment.id}（${shipment.origin} → ${shipment.destination}）` : event.shipment.id };
      for (const orgId of new Set(orgIds)) {
        for (const channel of await ops.getOrgChannels(orgId)) await enqueue(deliveryKey(event, `${orgId}/${channel.id}`), channel, format(channel, event, options), orgId);
      }
    },
    /**
     * A step of an after-sales request to the organisations named (after-sales-relay.ts): each channel at
     * once, never held for a shipment's group (the streamer's 24 h clock runs). The generic webhook's body
     * carries the message in words too, Chinese first, then English.
     */
    async afterSales(event: Omit<NotifyAfterSalesEvent, 'text'>, orgIds: readonly string[]): Promise<void> {
      const shipment = await ops.getShipment(event.request.shipmentId);
      const orgs = await ops.listOrganisations();
      const profile = shipment ? await deps.profiles.get(shipment.profileId) : undefined;
      const options: MessageOptions = {
        baseUrl: deps.baseUrl,
        orgNames: Object.fromEntries(orgs.map((o) => [o.id, { zh: o.name, en: o.nameEn }])),
        shipmentLabel: shipment ? `${shipment.id}（${shipment.origin} → ${shipment.destination}）` : event.request.shipmentId,
        ...(profile ? { productName: profile.name } : {}),
      };
      const text = { zh: renderPlainText(describeEvent(event, { ...options, lang: 'zh' })), en: renderPlainText(describeEvent(event, { ...options, lang: 'en' })) };
      const told: NotifyAfterSalesEvent = { ...event, text };
      for (const orgId of new Set(orgIds)) {
        for (const channel of await ops.getOrgChannels(orgId)) await enqueue(deliveryKey(told, `${orgId}/${channel.id}`), channel, format(channel, told, options), orgId);
      }
    },
    /** Sends what waits in groups now (at shutdown), so nothing held for a group is dropped. */
    flushAll(): void {
      for (const [groupKey, group] of groups) {
        if (group.timer) clearTimeout(group.timer);
        flushGroup(groupKey, groupKey.split('/')[0]!);
      }
    },
  });
}

export type Notifier = ReturnType<typeof createNotifier>;
