import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/** What the HTTP routes need from the lobby. */
export interface HttpRouteContext {
  /** Registry behind `/metrics`, or undefined when metrics are off. */
  metrics: Registry | undefined;
  /** False while shutting down: `/healthz` then answers 503 so load balancers drain the lobby. */
  healthy: () => boolean;
}

/** Serves `GET /healthz` and `GET /metrics`; returns false for any other request. */
export function serveHttp(
  request: IncomingMessage,
  response: ServerResponse,
  context: HttpRouteContext,
): boolean {
  if (request.method !== 'GET') return false;
  const path = new URL(request.url ?? '/', 'http://lobby').pathname;
  if (path === '/healthz') {
    const healthy = context.healthy();
    response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: healthy ? 'ok' : 'stopping' }));
    return true;
  }
  if (path === '/metrics' && context.metrics !== undefined) {
    const registry = context.metrics;
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      () => response.writeHead(500).end(),
    );
    return true;
  }
  return false;
}
