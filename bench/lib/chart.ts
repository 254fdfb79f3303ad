// Draws the benchmark's ratio chart: one row per figure, one bar for tsgrpc against the floor and
// one against grpc-js, a black tick at each target, a darker line at 1.0 (parity).
import { Bitmap, GLYPH_HEIGHT, type Rgb } from "./bitmap.js";

/** One row of the chart: ratios where higher is better for tsgrpc (1.0 = parity). */
export interface ChartRow {
  label: string;
  vsFloor?: number;
  vsGrpcJs?: number;
  targetVsFloor?: number;
  targetVsGrpcJs?: number;
}

const SCALE = 2;
const TEXT_HEIGHT = GLYPH_HEIGHT * SCALE;
const ROW_HEIGHT = 44;
const BAR_HEIGHT = 14;
const PLOT_WIDTH = 620;
const MARGIN = 16;
const FLOOR_COLOR: Rgb = [52, 101, 164];
const GRPC_JS_COLOR: Rgb = [237, 145, 33];
const GRID_COLOR: Rgb = [225, 225, 225];
const TEXT_COLOR: Rgb = [30, 30, 30];
const MUTED_COLOR: Rgb = [120, 120, 120];

/** Renders the rows as a PNG image, with an optional footnote under the axis. */
export function drawRatioChart(title: string, rows: readonly ChartRow[], footnote?: string): Buffer {
  const labelWidth = Math.max(...rows.map((row) => Bitmap.textWidth(row.label, SCALE))) + MARGIN;
  const values = rows.flatMap((row) => [row.vsFloor, row.vsGrpcJs, row.targetVsFloor, row.targetVsGrpcJs]);
  const largest = Math.max(2, ...values.filter((value): value is number => value !== undefined && Number.isFinite(value)));
  const xMax = Math.min(6, Math.ceil(largest * 2) / 2 + 0.5);
  const headerHeight = MARGIN + TEXT_HEIGHT * 2 + 20;
  const width = MARGIN + labelWidth + PLOT_WIDTH + 70;
  const footnoteHeight = footnote === undefined ? 0 : TEXT_HEIGHT + 10;
  const height = headerHeight + rows.length * ROW_HEIGHT + TEXT_HEIGHT + footnoteHeight + MARGIN * 2;
  const image = new Bitmap(width, height);
  const plotLeft = MARGIN + labelWidth;
  const plotTop = headerHeight;
  const plotBottom = plotTop + rows.length * ROW_HEIGHT;
  const xOf = (ratio: number) => plotLeft + (Math.min(ratio, xMax) / xMax) * PLOT_WIDTH;

  image.drawText(title, MARGIN, MARGIN, TEXT_COLOR, SCALE);
  const legendY = MARGIN + TEXT_HEIGHT + 8;
  let legendX = MARGIN;
  for (const [color, text] of [
    [FLOOR_COLOR, "TSGRPC VS FLOOR (BARE NODE:HTTP2)"],
    [GRPC_JS_COLOR, "TSGRPC VS GRPC-JS"],
  ] as const) {
    image.fillRect(legendX, legendY, 14, 14, color);
    image.drawText(text, legendX + 20, legendY, TEXT_COLOR, SCALE);
    legendX += 20 + Bitmap.textWidth(text, SCALE) + 24;
  }
  image.fillRect(legendX, legendY, 3, 14, TEXT_COLOR);
  image.drawText("TARGET", legendX + 9, legendY, TEXT_COLOR, SCALE);

  for (let tick = 0; tick <= xMax + 1e-9; tick += 0.5) {
    const x = xOf(tick);
    image.fillRect(x, plotTop, 1, plotBottom - plotTop, tick === 1 ? MUTED_COLOR : GRID_COLOR);
    const text = tick.toFixed(1);
    image.drawText(text, x - Bitmap.textWidth(text, SCALE) / 2, plotBottom + 6, MUTED_COLOR, SCALE);
  }

  if (footnote !== undefined) image.drawText(footnote, MARGIN, plotBottom + TEXT_HEIGHT + 16, MUTED_COLOR, SCALE);
  rows.forEach((row, index) => {
    const top = plotTop + index * ROW_HEIGHT + (ROW_HEIGHT - 2 * BAR_HEIGHT - 2) / 2;
    image.drawText(row.label, MARGIN, top + BAR_HEIGHT - TEXT_HEIGHT / 2 + 1, TEXT_COLOR, SCALE);
    const bars = [
      [row.vsFloor, row.targetVsFloor, FLOOR_COLOR],
      [row.vsGrpcJs, row.targetVsGrpcJs, GRPC_JS_COLOR],
    ] as const;
    bars.forEach(([ratio, target, color], bar) => {
      const y = top + bar * (BAR_HEIGHT + 2);
      if (ratio === undefined || !Number.isFinite(ratio)) {
        image.drawText("N/A", plotLeft + 4, y, MUTED_COLOR, 1.75);
        return;
      }
      image.fillRect(plotLeft, y, xOf(ratio) - plotLeft, BAR_HEIGHT, color);
      const text = ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2);
      // The value goes right of the bar, and right of the target tick when that is further out.
      const textX = Math.max(xOf(ratio), target === undefined ? 0 : xOf(target) + 2) + 4;
      image.drawText(ratio > xMax ? `${text}>` : text, textX, y, TEXT_COLOR, 1.75);
      if (target !== undefined) image.fillRect(xOf(target) - 1, y - 2, 3, BAR_HEIGHT + 4, TEXT_COLOR);
    });
  });
  return image.toPng();
}
