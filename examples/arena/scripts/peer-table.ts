import type { Bot } from '../src/bots/bot.js';
import { formatMs, linkFigures } from '../src/shared/link-figures.js';

const pad = (text: string, width: number): string => text.padEnd(width).slice(0, width);

/** The table `--headless` prints: every link each bot has, with its path and RTT. */
export function peerTable(bots: readonly Bot[], heading: string): string {
  const rows = [
    `${pad('from', 14)}${pad('to', 14)}${pad('path', 8)}${pad('rtt', 10)}${pad('direct after', 14)}switches`,
  ];
  for (const bot of bots) {
    for (const peer of bot.room.peers.values()) {
      let figures: ReturnType<typeof linkFigures>;
      try {
        figures = linkFigures(bot.room.stats(peer.id));
      } catch {
        continue; // left between the two reads
      }
      const direct =
        figures.timeToDirectMs === undefined ? '—' : `${(figures.timeToDirectMs / 1000).toFixed(2)} s`;
      rows.push(
        `${pad(bot.lobby.name, 14)}${pad(peer.name, 14)}${pad(figures.path.toUpperCase(), 8)}${pad(formatMs(figures.rttMs), 10)}${pad(direct, 14)}${figures.switches}`,
      );
    }
  }
  if (rows.length === 1) rows.push('(no peers yet)');
  return `${heading}\n\n${rows.join('\n')}\n`;
}
