/** The one catalogue of API error codes and their HTTP statuses. */
export const ERROR_STATUS = {
  'request.invalid': 400,
  'auth.required': 401,
  'auth.invalid': 401,
  'auth.forbidden': 403,
  'auth.csrf': 403,
  'auth.token_in_url': 400,
  'auth.throttled': 429,
  'user.exists': 409,
  'user.not_found': 404,
  'api_key.not_found': 404,
  'organisation.unknown': 404,
  'claim.not_found': 404,
  'claim.not_your_turn': 403,
  'claim.invalid_transition': 409,
  'claim.not_due': 409,
  'claim.amount_over_cap': 422,
  'after_sales.not_found': 404,
  'after_sales.before_pickup': 409,
  'after_sales.boxes_exhausted': 409,
  'after_sales.duplicate_order': 409,
  'after_sales.not_open': 409,
  'after_sales.not_your_turn': 403,
  'after_sales.photo_invalid': 422,
  'after_sales.photo_too_large': 413,
  'public.personal_data': 422,
  'mqtt_credential.not_found': 404,
  'not_found': 404,
  'device.not_found': 404,
  'device.exists': 409,
  'shipment.not_found': 404,
  'shipment.exists': 409,
  'shipment.delivered': 409,
  'shipment.device_busy': 409,
  'handoff.before_start': 422,
  'handoff.same_time': 409,
  'handoff.repeated': 409,
  'correction.event_not_found': 404,
  'correction.no_change': 400,
  'correction.not_applicable': 400,
  'correction.first_leg': 409,
  'correction.stage_order': 409,
  'organisation.not_found': 422,
  'profile.not_found': 422,
  'alert.not_found': 404,
  'alert.resolved': 409,
  'trace.not_found': 404,
  'review.not_found': 404,
  'review.decided': 409,
  'reads.busy': 503,
  'internal': 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An expected failure of a request, answered as `{ error: { code, message } }` with its status. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Headers to send with the answer (Retry-After with 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
