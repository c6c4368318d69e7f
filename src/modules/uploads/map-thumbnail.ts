import { drawText, textWidth } from './pixel-font.ts';
import { Raster, type Rgb } from './png.ts';

// The thumbnail of a location message (spec/chatbot-api.md §9.12): a PNG of the point drawn
// offline: a graticule (lines of latitude and longitude around the point), a pin on the point,
// and its coordinates. No map tiles and no network: a self-hosted server may have neither, and
// a static-map provider would need a key (docs/uploads.md).

export const MAP_WIDTH = 400;
export const MAP_HEIGHT = 300;
/** About 2 km across at the equator: a street-level neighbourhood. */
const DEGREES_ACROSS = 0.02;
const MINOR_STEP = 0.0025;
const MAJOR_STEP = 0.01;

const PAPER: Rgb = [236, 241, 245];
const MINOR: Rgb = [214, 223, 231];
const MAJOR: Rgb = [181, 196, 210];
const PIN: Rgb = [219, 50, 54];
const INK: Rgb = [45, 55, 72];
const WHITE: Rgb = [255, 255, 255];

export function mapThumbnail(latitude: number, longitude: number): Buffer {
  const r = new Raster(MAP_WIDTH, MAP_HEIGHT, PAPER);
  const cx = MAP_WIDTH / 2;
  const cy = MAP_HEIGHT / 2;
  const perLon = MAP_WIDTH / DEGREES_ACROSS;
  // Mercator near the point: a degree of latitude is longer on the map by 1/cos(latitude).
  const perLat = perLon / Math.max(Math.cos((latitude * Math.PI) / 180), 0.05);

  for (const [step, color, width] of [
    [MINOR_STEP, MINOR, 1],
    [MAJOR_STEP, MAJOR, 2],
  ] as const) {
    const lonFrom = Math.floor((longitude - cx / perLon) / step) * step;
    for (let lon = lonFrom; (lon - longitude) * perLon + cx < MAP_WIDTH; lon += step) {
      const x = Math.round(cx + (lon - longitude) * perLon);
      r.fillRect(x, 0, width, MAP_HEIGHT, color);
    }
    const latFrom = Math.floor((latitude - cy / perLat) / step) * step;
    for (let lat = latFrom; cy - (lat - latitude) * perLat >= 0; lat += step) {
      const y = Math.round(cy - (lat - latitude) * perLat);
      r.fillRect(0, y, MAP_WIDTH, width, color);
    }
  }

  drawPin(r, cx, cy);

  const caption = coordinates(latitude, longitude);
  const scale = 2;
  const barHeight = 7 * scale + 14;
  r.fillRect(0, MAP_HEIGHT - barHeight, MAP_WIDTH, barHeight, WHITE, 0.88);
  r.fillRect(0, MAP_HEIGHT - barHeight, MAP_WIDTH, 1, MAJOR);
  drawText(
    r,
    caption,
    Math.round((MAP_WIDTH - textWidth(caption, scale)) / 2),
    MAP_HEIGHT - barHeight + 7,
    scale,
    INK,
  );
  // North is up: a small "N" with an arrow in the corner.
  drawText(r, 'N', MAP_WIDTH - 22, 10, 2, INK);
  r.fillShape(
    { x0: MAP_WIDTH - 26, y0: 26, x1: MAP_WIDTH - 6, y1: 40 },
    (x, y) => y >= 28 && y <= 38 && Math.abs(x - (MAP_WIDTH - 16.5)) <= (y - 28) * 0.6,
    INK,
  );
  // A frame.
  r.fillRect(0, 0, MAP_WIDTH, 1, MAJOR);
  r.fillRect(0, 0, 1, MAP_HEIGHT, MAJOR);
  r.fillRect(MAP_WIDTH - 1, 0, 1, MAP_HEIGHT, MAJOR);
  r.fillRect(0, MAP_HEIGHT - 1, MAP_WIDTH, 1, MAJOR);
  return r.toPng();
}

/** "31.178762° N, 121.408371° E". */
export function coordinates(latitude: number, longitude: number): string {
  const lat = `${Math.abs(latitude).toFixed(6)}° ${latitude < 0 ? 'S' : 'N'}`;
  const lon = `${Math.abs(longitude).toFixed(6)}° ${longitude < 0 ? 'W' : 'E'}`;
  return `${lat}, ${lon}`;
}

/** A teardrop pin whose tip is on (x, y), with its shadow and a white eye. */
function drawPin(r: Raster, x: number, y: number): void {
  const radius = 13;
  const head = { x, y: y - 30 };
  // The shadow on the ground.
  r.fillShape(
    { x0: x - 12, y0: y - 5, x1: x + 12, y1: y + 5 },
    (px, py) => ((px - x) / 11) ** 2 + ((py - y) / 4) ** 2 <= 1,
    [0, 0, 0],
    0.22,
  );
  // Circle plus the two tangents down to the tip.
  const d = y - head.y;
  const tangent = Math.asin(radius / d);
  r.fillShape(
    { x0: x - radius - 1, y0: head.y - radius - 1, x1: x + radius + 1, y1: y },
    (px, py) => {
      if ((px - head.x) ** 2 + (py - head.y) ** 2 <= radius ** 2) return true;
      if (py < head.y || py > y) return false;
      const angle = Math.atan2(Math.abs(px - x), y - py);
      return angle <= tangent && py > head.y;
    },
    PIN,
  );
  r.fillShape(
    { x0: x - 6, y0: head.y - 6, x1: x + 6, y1: head.y + 6 },
    (px, py) => (px - head.x) ** 2 + (py - head.y) ** 2 <= 25,
    WHITE,
  );
}
