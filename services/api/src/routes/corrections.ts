import type { RouteContext } from '../app.ts';

/** Custody corrections: POST /api/v1/shipments/{id}/corrections (issue 11, item 6). */
export function registerCorrectionRoutes(_context: RouteContext): void {}
