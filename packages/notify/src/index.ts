/**
 * @coldchain/notify: alert, claim and handoff notifications (DESIGN.md, alerts and claims channels). Pure
 * formatters turn an event into each channel's payload (signed generic webhook, DingTalk, WeCom, Feishu);
 * a durable SQLite outbox delivers them, signed per attempt, retried with backoff, in order per
 * destination, never lost silently.
 */
export type { HandoffParty, NotifyAfterSalesEvent, NotifyAfterSalesLinks, NotifyAfterSalesType, NotifyAlertEvent, NotifyClaimEvent, NotifyClaimLinks, NotifyClaimTimerEvent, NotifyClaimUpdateEvent, NotifyEvent, NotifyHandoffEvent, WitnessedHead } from './events.ts';
export { afterSalesLinks, claimLinks, deliveryKey, isAfterSalesEvent } from './events.ts';
export { describeAfterSales, describeRemedy } from './after-sales-message.ts';
export type { Lang, MessageField, MessageOptions, NotifyMessage, Severity } from './message.ts';
export { describeEvent, describeRule, renderPlainText } from './message.ts';
export { formatBeijingTime, formatTempC, formatYuan } from './display-values.ts';

export type { SignedRequest, WebhookVerification } from './channels/webhook.ts';
export {
  buildWebhookRequest,
  DEFAULT_WEBHOOK_TOLERANCE_S,
  formatWebhookPayload,
  signWebhookBody,
  verifyWebhookSignature,
  WEBHOOK_HEADERS,
} from './channels/webhook.ts';
export type { DingTalkMarkdown } from './channels/dingtalk.ts';
export { formatDingTalkMessage, renderDingTalkMarkdown, signDingTalkUrl } from './channels/dingtalk.ts';
export type { WeComMarkdown } from './channels/wecom.ts';
export { formatWeComMessage, renderWeComMarkdown } from './channels/wecom.ts';
export type { FeishuCard, FeishuMessage, FeishuText } from './channels/feishu.ts';
export { formatFeishuMessage, renderFeishuCard, signFeishuBody } from './channels/feishu.ts';

export type { Channel, DeliveryTarget, RobotReply } from './delivery-request.ts';
export { buildDeliveryRequest, CHANNELS, readRobotReply } from './delivery-request.ts';

export { Outbox } from './outbox/outbox.ts';
export type { EnqueueResult, OutboxOptions, OutboxStats } from './outbox/outbox.ts';
export type { EntryError, OutboxEntry } from './outbox/outbox-entry.ts';
export type { Delivery, DeliveryAttempt, DeliveryStatus } from './outbox/outbox-schema.ts';
export type { AttemptOutcome, RetryPolicy } from './outbox/retry-policy.ts';
export { classifyResponse, DEFAULT_RETRY_POLICY, retryDelayMs } from './outbox/retry-policy.ts';
export { redactUrl } from './outbox/redact-url.ts';
