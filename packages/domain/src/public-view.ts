/**
 * What a shipment's public page (the consumer's, reached by the QR on the box) shows of the people in it
 * (issue 12, item 8): chosen by the shipper from public fields only.
 */
export type PublicView = {
  /** City-level origin, e.g. "海南 海口". */
  origin: string;
  /** City-level destination. */
  destination: string;
  /** Custodians by their organisation's name, or only by their kind (carrier, warehouse, courier). */
  custodians: 'names' | 'kinds';
};
