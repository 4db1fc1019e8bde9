import type { RouteContext } from '../app.ts';

/** GS1 EPCIS 2.0 export: GET /api/v1/shipments/{id}/epcis (issue 11, item 8). */
export function registerEpcisRoutes(_context: RouteContext): void {}
