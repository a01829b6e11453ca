/**
 * Minimal SVG charts for bench/RESULTS.md: grouped bars (one group per
 * workload, one bar per contender) and a histogram. Plain strings, no
 * dependency; readable in GitHub's Markdown preview and any browser.
 */

/** A chart a suite attaches to one of its tables; a full run writes it to `bench/charts/<file>`. */
export interface BenchChart {
  /** File name, e.g. `relay-cpu.svg`. */
  file: string;
  /** Alt text and heading. */
  title: string;
  svg: string;
}

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = { top: 36, right: 16, bottom: 56, left: 64 };
const COLORS = ['#8c8c8c', '#d9822b', '#2b7bd9', '#3aa655', '#b4478f'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A round axis maximum at or above `value` (1, 2 or 5 times a power of ten). */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function frame(title: string, yLabel: string, max: number, body: string[]): string {
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const ticks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    const y = MARGIN.top + plotHeight - (plotHeight * i) / 4;
    ticks.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${Number(value.toPrecision(3))}</text>`,
    );
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text transform="translate(14 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    ...ticks,
    ...body,
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`,
    '</svg>',
    '',
  ].join('\n');
}

/** Bars grouped by `groups` (x axis), one colour per series, with a legend. */
export function groupedBarChart(options: {
  title: string;
  yLabel: string;
  groups: readonly string[];
  series: readonly { name: string; values: readonly number[] }[];
}): string {
  const { groups, series } = options;
  const max = niceMax(Math.max(...series.flatMap((s) => s.values.filter(Number.isFinite))));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const groupWidth = plotWidth / Math.max(groups.length, 1);
  const barWidth = (groupWidth * 0.8) / Math.max(series.length, 1);
  const body: string[] = [];
  groups.forEach((group, g) => {
    const x0 = MARGIN.left + g * groupWidth + groupWidth * 0.1;
    series.forEach((each, s) => {
      const value = each.values[g] ?? 0;
      const height = Number.isFinite(value) ? (plotHeight * value) / max : 0;
      const x = x0 + s * barWidth;
      const y = MARGIN.top + plotHeight - height;
      body.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${height.toFixed(1)}" fill="${COLORS[s % COLORS.length]}"><title>${escapeXml(`${each.name}, ${group}: ${Number(value.toPrecision(3))}`)}</title></rect>`,
        `<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle" font-size="9">${Number(value.toPrecision(3))}</text>`,
      );
    });
    body.push(
      `<text x="${(x0 + groupWidth * 0.4).toFixed(1)}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${escapeXml(group)}</text>`,
    );
  });
  series.forEach((each, s) => {
    const x = MARGIN.left + s * (plotWidth / series.length);
    const y = HEIGHT - 14;
    body.push(
      `<rect x="${x.toFixed(1)}" y="${y - 9}" width="10" height="10" fill="${COLORS[s % COLORS.length]}"/>`,
      `<text x="${(x + 14).toFixed(1)}" y="${y}">${escapeXml(each.name)}</text>`,
    );
  });
  return frame(options.title, options.yLabel, max, body);
}

/** A histogram of `values` in `bins` equal-width bins from 0 (or the minimum) to the maximum. */
export function histogram(options: {
  title: string;
  xLabel: string;
  values: readonly number[];
  bins: number;
}): string {
  const values = options.values.filter(Number.isFinite);
  const low = Math.min(0, ...values);
  const high = Math.max(...values, low + 1);
  const width = (high - low) / options.bins;
  const counts = new Array<number>(options.bins).fill(0);
  for (const value of values) counts[Math.min(options.bins - 1, Math.floor((value - low) / width))]!++;
  const max = niceMax(Math.max(...counts));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const barWidth = plotWidth / options.bins;
  const body: string[] = [];
  counts.forEach((count, i) => {
    const height = (plotHeight * count) / max;
    const x = MARGIN.left + i * barWidth;
    body.push(
      `<rect x="${x.toFixed(1)}" y="${(MARGIN.top + plotHeight - height).toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${height.toFixed(1)}" fill="${COLORS[2]}"><title>${count}</title></rect>`,
    );
  });
  for (let i = 0; i <= 4; i++) {
    const x = MARGIN.left + (plotWidth * i) / 4;
    body.push(
      `<text x="${x.toFixed(1)}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${Number((low + ((high - low) * i) / 4).toPrecision(3))}</text>`,
    );
  }
  body.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
  );
  return frame(options.title, 'count', max, body);
}

/**
 * Points on two numeric axes, one colour per series, each series' points
 * joined in order and labelled (e.g. a setting's value): for trade-offs
 * such as server CPU against latency.
 */
export function scatterChart(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly { name: string; points: readonly { x: number; y: number; label: string }[] }[];
}): string {
  const points = options.series.flatMap((each) => each.points).filter((p) => Number.isFinite(p.x + p.y));
  const xMax = niceMax(Math.max(...points.map((p) => p.x)));
  const yMax = niceMax(Math.max(...points.map((p) => p.y)));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number): number => MARGIN.left + (plotWidth * x) / xMax;
  const py = (y: number): number => MARGIN.top + plotHeight - (plotHeight * y) / yMax;
  const body: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const x = px((xMax * i) / 4);
    body.push(
      `<text x="${x.toFixed(1)}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${Number(((xMax * i) / 4).toPrecision(3))}</text>`,
    );
  }
  body.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 26}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
  );
  options.series.forEach((each, s) => {
    const color = COLORS[(s + 1) % COLORS.length];
    const shown = each.points.filter((p) => Number.isFinite(p.x + p.y));
    if (shown.length > 1) {
      const path = shown.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
      body.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    }
    for (const p of shown) {
      body.push(
        `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="4" fill="${color}"><title>${escapeXml(`${each.name}, ${p.label}: x ${Number(p.x.toPrecision(3))}, y ${Number(p.y.toPrecision(3))}`)}</title></circle>`,
        `<text x="${(px(p.x) + 6).toFixed(1)}" y="${(py(p.y) - 6).toFixed(1)}" font-size="9">${escapeXml(p.label)}</text>`,
      );
    }
    const x = MARGIN.left + s * (plotWidth / options.series.length);
    const y = HEIGHT - 8;
    body.push(
      `<rect x="${x.toFixed(1)}" y="${y - 9}" width="10" height="10" fill="${color}"/>`,
      `<text x="${(x + 14).toFixed(1)}" y="${y}">${escapeXml(each.name)}</text>`,
    );
  });
  return frame(options.title, options.yLabel, yMax, body);
}
