import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Returns the request id: the client's `X-Request-Id` when it is a UUID, else a new one.
 * Responses carry it as `requestId`, which the API promises is a UUID, so any other value a
 * client sends is replaced rather than echoed into logs and bodies.
 */
export function requestIdFor(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  if (typeof header === 'string' && uuidPattern.test(header)) return header.toLowerCase();
  return randomUUID();
}
