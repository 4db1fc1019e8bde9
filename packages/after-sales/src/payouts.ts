/**
 * The payout port (issue 13, item 4): payments are recorded, not executed, since no payment provider is
 * reachable here. Production adapters (WeChat Pay and Alipay refunds) are described in
 * docs/after-sales.md; each takes the request id as its idempotency key (WeChat Pay `out_refund_no`,
 * Alipay `out_request_no`), so a retried payout never pays twice.
 */

/** What to pay (or resend) for one approved request. */
export type PayoutOrder = {
  /** The after-sales request: the idempotency key at the provider. */
  requestId: string;
  /** The consumer's order on the shop, when given: a refund is made against it. */
  orderRef: string | null;
  amountCents: number;
  currency: 'CNY';
  kind: 'refund' | 'resend';
  /** `shared`: the platform its advance (the request's advancedCents), the shipper the rest. */
  payer: 'platform' | 'shipper' | 'shared';
};

/** What the provider answered. */
export type PayoutReceipt = { provider: string; providerRef: string | null; status: 'recorded' | 'succeeded' };

export interface PayoutPort {
  /** Pays `order` once per request id; a second call with the same id answers the first payment. */
  pay(order: PayoutOrder): Promise<PayoutReceipt>;
}

/** Records the payout and pays nothing: the default, and the only adapter this machine can run. */
export class RecordingPayouts implements PayoutPort {
  async pay(): Promise<PayoutReceipt> {
    return { provider: 'recorded', providerRef: null, status: 'recorded' };
  }
}
