// A minimal SVG line chart for benchmark plots: stacked panels sharing an x axis, one line per
// series, a legend, and axis labels. No dependency; enough for docs pages.

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
}

export interface Panel {
  title: string;
  yLabel: string;
  yMax: number;
  /** Format a y tick value. */
  yTick: (value: number) => string;
  series: Series[];
  /** Horizontal reference lines, e.g. a limit. */
  marks?: Array<{ y: number; label: string; color: string }>;
}

const WIDTH = 760;
const PANEL_HEIGHT = 220;
const MARGIN = { left: 64, right: 170, top: 36, bottom: 28 };
const TICKS = 5;

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function lineChart(title: string, xLabel: string, xMax: number, panels: Panel[]): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const height = 30 + panels.length * PANEL_HEIGHT + 24;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`,
  ];
  panels.forEach((panel, index) => {
    const top = 30 + index * PANEL_HEIGHT + MARGIN.top;
    const x = (value: number) => MARGIN.left + (value / xMax) * plotWidth;
    const y = (value: number) =>
      top + plotHeight - (Math.min(value, panel.yMax) / panel.yMax) * plotHeight;
    parts.push(
      `<text x="${MARGIN.left}" y="${top - 10}" font-weight="bold">${escape(panel.title)}</text>`,
      `<rect x="${MARGIN.left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`,
      `<text transform="translate(16 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escape(panel.yLabel)}</text>`,
    );
    for (let i = 0; i <= TICKS; i += 1) {
      const value = (panel.yMax * i) / TICKS;
      parts.push(
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#eee"/>`,
        `<text x="${MARGIN.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${escape(panel.yTick(value))}</text>`,
      );
      const xValue = (xMax * i) / TICKS;
      parts.push(
        `<text x="${x(xValue).toFixed(1)}" y="${top + plotHeight + 16}" text-anchor="middle">${xValue.toFixed(0)}</text>`,
      );
    }
    for (const mark of panel.marks ?? []) {
      parts.push(
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(mark.y).toFixed(1)}" y2="${y(mark.y).toFixed(1)}" stroke="${mark.color}" stroke-dasharray="5 4"/>`,
        `<text x="${MARGIN.left + plotWidth - 4}" y="${(y(mark.y) - 4).toFixed(1)}" text-anchor="end" fill="${mark.color}">${escape(mark.label)}</text>`,
      );
    }
    panel.series.forEach((series, s) => {
      const path = series.points
        .map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${x(px).toFixed(1)} ${y(py).toFixed(1)}`)
        .join(' ');
      const legendY = top + 14 + s * 18;
      parts.push(
        `<path d="${path}" fill="none" stroke="${series.color}" stroke-width="1.6"/>`,
        `<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 32}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="2"/>`,
        `<text x="${WIDTH - MARGIN.right + 38}" y="${legendY}">${escape(series.name)}</text>`,
      );
    });
  });
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">${escape(xLabel)}</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}
