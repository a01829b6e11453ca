/**
 * A load worker: a child process of the relay bench that hosts a slice of a
 * room's players — real `@handoff/transport` or `@colyseus/sdk` clients —
 * plays the game on the shared clock (positions at the tick rate, a chat
 * line a second) and reports what its players sent and received over IPC
 * (protocol in sdk-worker-protocol.ts). Several workers split a big room so
 * that no single event loop limits the tick rate.
 */
import { ColyseusPlayer } from './colyseus-player.js';
import { clockMs, sentAtOf, stampTime } from './game-clock.js';
import type { GamePlayer, PlayerListener } from './game-player.js';
import { HandoffPlayer } from './handoff-player.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { WorkerCommand, WorkerEvent, WorkerReport } from './sdk-worker-protocol.js';

const MAX_ERROR_SAMPLES = 5;

function emit(event: WorkerEvent): void {
  process.send?.(event);
}

/** One run's state: the players, their timers and tallies. */
class Run {
  readonly players: GamePlayer[] = [];
  private timers: NodeJS.Timeout[] = [];
  private playing = false;
  private windowStartMs = Number.POSITIVE_INFINITY;
  private windowEndMs = Number.NEGATIVE_INFINITY;
  private positionsSent = 0;
  private positionsReceived = 0;
  private ticksMissed = 0;
  private readonly latency = new LatencyHistogram();
  private readonly chatSent: Record<number, number> = {};
  /** Next chat line expected, per receiver (local slot) per sender index. */
  private readonly chatNext: Map<number, number>[] = [];
  private chatInOrder = 0;
  private chatViolations = 0;
  private readonly closes: number[] = [];
  private pushBacks = 0;
  private errors = 0;
  private readonly errorSamples: string[] = [];
  private cpuAtStart: NodeJS.CpuUsage | undefined;
  private cpuSeconds = 0;
  private framesAtStart = 0;
  private framesSent = 0;
  private windowSeconds = 0;
  private wallAtStart = 0;

  listener(slot: number): PlayerListener {
    const chatNext = new Map<number, number>();
    this.chatNext[slot] = chatNext;
    return {
      position: (_sender, x, y) => {
        const now = clockMs();
        const sentAt = sentAtOf(x, y, now);
        if (sentAt < this.windowStartMs || sentAt >= this.windowEndMs) return;
        this.positionsReceived++;
        this.latency.record(now - sentAt);
      },
      chat: (text) => {
        const colon = text.indexOf(':');
        const sender = Number(text.slice(0, colon));
        const n = Number(text.slice(colon + 1));
        const expected = chatNext.get(sender) ?? 0;
        if (n === expected) {
          this.chatInOrder++;
          chatNext.set(sender, expected + 1);
        } else this.chatViolations++;
      },
      closed: (code) => {
        if (this.playing) this.closes.push(code);
      },
      pushedBack: () => {
        if (this.playing) this.pushBacks++;
      },
      error: (message) => {
        this.errors++;
        if (this.errorSamples.length < MAX_ERROR_SAMPLES) this.errorSamples.push(message);
      },
    };
  }

  async open(
    command: Extract<WorkerCommand, { type: 'create' | 'join' }>,
    index: number,
    roomId: string | undefined,
  ): Promise<GamePlayer & { roomId: string }> {
    const slot = this.players.length;
    this.players.push(undefined as unknown as GamePlayer); // reserve the slot
    const listener = this.listener(slot);
    const player =
      command.sdk === 'handoff'
        ? await HandoffPlayer.open(command.url, index, command.roomSize, roomId, listener)
        : await ColyseusPlayer.open(command.port, index, roomId, listener);
    this.players[slot] = player;
    return player;
  }

  play(command: Extract<WorkerCommand, { type: 'play' }>): void {
    this.playing = true;
    this.windowStartMs = command.windowStartMs;
    this.windowEndMs = command.windowEndMs;
    const period = 1000 / command.hz;
    for (const player of this.players) {
      const phase = (player.index / command.roomSize) * period;
      this.chatSent[player.index] = 0;
      this.every(command.startMs + phase, period, true, (dueMs) => {
        const stamp = stampTime(clockMs());
        player.sendPosition(stamp);
        if (stamp.sentAtMs >= this.windowStartMs && stamp.sentAtMs < this.windowEndMs) this.positionsSent++;
        void dueMs;
      });
      this.every(command.startMs + phase + period / 2, command.chatEveryMs, false, () => {
        const n = this.chatSent[player.index]!;
        player.sendChat(`${player.index}:${n}`);
        this.chatSent[player.index] = n + 1;
      });
    }
    this.at(command.windowStartMs, () => {
      this.cpuAtStart = process.cpuUsage();
      this.framesAtStart = this.frames();
      this.wallAtStart = clockMs();
    });
    this.at(command.windowEndMs, () => {
      const cpu = process.cpuUsage(this.cpuAtStart);
      this.cpuSeconds = (cpu.user + cpu.system) / 1e6;
      this.framesSent = this.frames() - this.framesAtStart;
      this.windowSeconds = (clockMs() - this.wallAtStart) / 1000;
    });
  }

  /**
   * Calls `tick` at `firstMs`, `firstMs + periodMs`, ... on the shared clock,
   * like a fixed-rate game loop: a late tick is sent at once, and ticks more
   * than a period late are skipped (and, for positions, counted as missed).
   */
  private every(
    firstMs: number,
    periodMs: number,
    countMisses: boolean,
    tick: (dueMs: number) => void,
  ): void {
    let due = firstMs;
    const run = (): void => {
      if (!this.playing) return;
      tick(due);
      due += periodMs;
      const now = clockMs();
      if (now - due >= periodMs) {
        const skipped = Math.floor((now - due) / periodMs);
        if (countMisses && due >= this.windowStartMs && due < this.windowEndMs) this.ticksMissed += skipped;
        due += skipped * periodMs;
      }
      this.timers.push(setTimeout(run, Math.max(0, due - now)));
    };
    this.timers.push(setTimeout(run, Math.max(0, due - clockMs())));
  }

  private at(atMs: number, action: () => void): void {
    this.timers.push(setTimeout(action, Math.max(0, atMs - clockMs())));
  }

  private frames(): number {
    let frames = 0;
    for (const player of this.players) frames += player.framesSent();
    return frames;
  }

  stop(): void {
    this.playing = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  report(): WorkerReport {
    return {
      players: this.players.length,
      positionsSent: this.positionsSent,
      positionsReceived: this.positionsReceived,
      ticksMissed: this.ticksMissed,
      latency: this.latency.toSparse(),
      chatSent: this.chatSent,
      chatInOrder: this.chatInOrder,
      chatViolations: this.chatViolations,
      closes: this.closes,
      pushBacks: this.pushBacks,
      errors: this.errors,
      errorSamples: this.errorSamples,
      cpuSeconds: this.cpuSeconds,
      framesSent: this.framesSent,
      windowSeconds: this.windowSeconds,
    };
  }

  close(): void {
    this.stop();
    for (const player of this.players) player?.close();
  }
}

let run = new Run();

async function handle(command: WorkerCommand): Promise<void> {
  switch (command.type) {
    case 'create': {
      const player = await run.open(command, command.index, undefined);
      emit({ type: 'created', roomId: player.roomId });
      return;
    }
    case 'join':
      await run.open(command, command.index, command.roomId);
      emit({ type: 'joined' });
      return;
    case 'await-room': {
      const deadline = clockMs() + 15_000;
      while (!run.players.every((player) => player.seesEveryone(command.roomSize))) {
        if (clockMs() > deadline) throw new Error('not every player sees the whole room after 15 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      emit({ type: 'ready' });
      return;
    }
    case 'play':
      run.play(command);
      return;
    case 'stop':
      run.stop();
      await new Promise((resolve) => setTimeout(resolve, command.drainMs));
      emit({ type: 'report', report: run.report() });
      return;
    case 'close':
      run.close();
      run = new Run();
      // Let the closes go out, then collect this run's garbage before the next.
      await new Promise((resolve) => setTimeout(resolve, 100));
      (globalThis as { gc?: () => void }).gc?.();
      emit({ type: 'closed' });
      return;
    case 'exit':
      run.close();
      setTimeout(() => process.exit(0), 100);
      return;
  }
}

process.on('message', (command: WorkerCommand) => {
  handle(command).catch((error: unknown) =>
    emit({
      type: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }),
  );
});
process.on('disconnect', () => process.exit(0));
