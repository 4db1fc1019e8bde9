/** An error answer from the coldchain API. */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A small client for the coldchain HTTP API, as a station scanner or provisioning tool uses it. */
export function createApiClient(baseUrl: string, adminToken: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiCallError(response.status, error?.code ?? 'unknown', `${method} ${path}: ${response.status} ${error?.message ?? text}`);
    }
    return json as T;
  }

  return {
    call,
    upsertOrganisation: (org: { id: string; name: string; nameEn: string; kind: string }) => call('POST', '/api/v1/organisations', org),
    /** Provisions a device (with its Ed25519 public key, if given), or rotates its secret when it exists; returns the secret. */
    async provisionDevice(id: string, publicKey?: string): Promise<string> {
      try {
        return (await call<{ secret: string }>('POST', '/api/v1/devices', { id, ...(publicKey ? { publicKey } : {}) })).secret;
      } catch (error) {
        if (error instanceof ApiCallError && error.code === 'device.exists') {
          return (await call<{ secret: string }>('POST', `/api/v1/devices/${id}/secret`, {})).secret;
        }
        throw error;
      }
    },
    createShipment: (shipment: Record<string, unknown>) => call<{ id: string; traceCode: string }>('POST', '/api/v1/shipments', shipment),
    recordHandoff: (shipmentId: string, handoff: Record<string, unknown>) => call('POST', `/api/v1/shipments/${shipmentId}/handoffs`, handoff),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
