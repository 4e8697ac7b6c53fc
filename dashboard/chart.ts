// A dependency-free SVG line chart: the dashboard works offline, with no charting CDN.

const SVG = "http://www.w3.org/2000/svg";
const W = 600;
const H = 160;
const PAD = 18;

function el(name: string, attrs: Record<string, string>): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** Draws points (time in ms, value) over the last `windowMs`, scaled to their maximum. */
export function drawChart(
  svg: SVGSVGElement,
  points: readonly (readonly [number, number])[],
  o: { windowMs: number; now: number; unit: string },
): void {
  const from = o.now - o.windowMs;
  const shown = points.filter(([t]) => t >= from);
  const max = Math.max(1, ...shown.map(([, v]) => v));
  const x = (t: number) => ((t - from) / o.windowMs) * W;
  const y = (v: number) => H - PAD - (v / max) * (H - 2 * PAD);
  const title = svg.querySelector("title");
  svg.replaceChildren(
    ...(title ? [title] : []),
    el("line", { class: "axis", x1: "0", x2: String(W), y1: String(H - PAD), y2: String(H - PAD) }),
    el("text", { x: "4", y: "12" }),
    el("text", { x: "4", y: String(H - 4) }),
  );
  const [top, bottom] = [...svg.querySelectorAll("text")];
  if (top) top.textContent = `${Math.round(max * 10) / 10} ${o.unit}`;
  if (bottom) bottom.textContent = `last ${Math.round(o.windowMs / 60_000)} min`;
  if (shown.length < 2) return;
  const line = shown.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const first = shown[0] as readonly [number, number];
  const last = shown.at(-1) as readonly [number, number];
  svg.append(
    el("polygon", {
      class: "area",
      points: `${x(first[0])},${H - PAD} ${line} ${x(last[0])},${H - PAD}`,
    }),
    el("polyline", { class: "series", points: line }),
  );
}
