// Line charts drawn as SVG: a loss or metric curve per series, redrawn as points arrive.

const SVG = "http://www.w3.org/2000/svg";
const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea"];

function node(tag, attributes) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

// series: [{name, points: [[x, y], ...]}]. Returns the <svg>; call again to redraw.
export function lineChart(series, { width = 560, height = 220, xLabel = "epoch" } = {}) {
  const figure = document.createElement("figure");
  figure.className = "chart-figure";
  const svg = node("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img" });
  figure.append(svg);
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const title = node("title", {});
  title.textContent = series.map((s) => `${s.name}: ${s.points.length} points`).join("; ");
  svg.append(title);
  if (all.length === 0) return figure;
  const left = 64, right = 12, top = 12, bottom = 28;
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  let y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (y1 - y0 < 1e-9) { y0 -= 0.5; y1 += 0.5; }
  const px = (x) => left + ((x - x0) / (x1 - x0)) * (width - left - right);
  const py = (y) => top + (1 - (y - y0) / (y1 - y0)) * (height - top - bottom);
  svg.append(node("line", { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: "axis" }));
  svg.append(node("line", { x1: left, y1: top, x2: left, y2: height - bottom, class: "axis" }));
  for (const [value, y] of [[y1, top], [y0, height - bottom]]) {
    const label = node("text", { x: left - 4, y: y + 4, "text-anchor": "end", class: "tick" });
    label.textContent = value.toPrecision(3);
    svg.append(label);
  }
  const xText = node("text", { x: width - right, y: height - 6, "text-anchor": "end", class: "tick" });
  const tick = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
  xText.textContent = `${xLabel} ${tick(x0)}–${tick(x1)}`;
  svg.append(xText);
  // The legend sits under the plot, where it cannot hide a line.
  const legend = document.createElement("figcaption");
  series.forEach((s, i) => {
    const points = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (points.length === 0) return;
    const color = COLORS[i % COLORS.length];
    svg.append(node("polyline", { points: points.map(([x, y]) => `${px(x)},${py(y)}`).join(" "), stroke: color, class: "line" }));
    for (const [x, y] of points) svg.append(node("circle", { cx: px(x), cy: py(y), r: 2.5, fill: color, class: "point" }));
    const item = document.createElement("span");
    item.className = "legend";
    item.style.color = color;
    item.textContent = `${s.name} ${points.at(-1)[1].toPrecision(4)}`;
    legend.append(item);
  });
  figure.append(legend);
  return figure;
}

// Horizontal bars for class probabilities.
export function bars(entries) {
  const list = document.createElement("div");
  list.className = "bars";
  for (const [label, value] of entries) {
    const row = document.createElement("div");
    row.className = "bar-row";
    const name = document.createElement("span");
    name.textContent = label;
    const track = document.createElement("span");
    track.className = "bar-track";
    const fill = document.createElement("span");
    fill.className = "bar-fill";
    fill.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
    track.append(fill);
    const number = document.createElement("span");
    number.textContent = value.toFixed(3);
    row.append(name, track, number);
    list.append(row);
  }
  return list;
}
