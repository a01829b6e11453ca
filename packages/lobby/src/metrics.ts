import { Counter, Gauge, Registry } from 'prom-client';

/** Hot-path counters: plain numbers, read by Prometheus at scrape time (no prom-client call per frame). */
export class RelayCounters {
  /** Relay frames delivered to a member (a broadcast to n members counts n). */
  messages = 0;
  /** Relay bytes delivered. */
  bytes = 0;
  /** Relay frames dropped (unknown or absent destination). */
  dropped = 0;
}

/** A counter that reports a plain number's growth when scraped. */
function pulledCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  let reported = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      this.inc(value - reported);
      reported = value;
    },
  });
}

/** The lobby's Prometheus metrics, in a registry of its own (two lobbies in one process do not clash). */
export class LobbyMetrics {
  readonly registry = new Registry();
  readonly relay = new RelayCounters();
  readonly connections = new Gauge({
    name: 'handoff_connections',
    help: 'Open WebSocket connections',
    registers: [this.registry],
  });
  readonly players = new Gauge({
    name: 'handoff_players',
    help: 'Players known (connected or within the resume grace period)',
    registers: [this.registry],
  });
  readonly rooms = new Gauge({ name: 'handoff_rooms', help: 'Rooms that exist', registers: [this.registry] });
  readonly members = new Gauge({
    name: 'handoff_room_members',
    help: 'Members across all rooms',
    registers: [this.registry],
  });
  readonly signals = new Counter({
    name: 'handoff_signal_messages_total',
    help: 'Signaling messages forwarded',
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'handoff_errors_total',
    help: 'Error messages sent to clients, by code name',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly closes = new Counter({
    name: 'handoff_closes_total',
    help: 'Connections closed by the lobby, by close code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly stunRequests = new Counter({
    name: 'handoff_stun_requests_total',
    help: 'STUN requests received, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    const relay = this.relay;
    pulledCounter(
      this.registry,
      'handoff_relay_messages_total',
      'Relay frames delivered to members',
      () => relay.messages,
    );
    pulledCounter(
      this.registry,
      'handoff_relay_bytes_total',
      'Relayed payload bytes delivered (session datagrams, without framing)',
      () => relay.bytes,
    );
    pulledCounter(
      this.registry,
      'handoff_relay_dropped_total',
      'Relay frames dropped (no such member)',
      () => relay.dropped,
    );
  }
}
