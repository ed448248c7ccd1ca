/**
 * A minimal typed model of a Plotly figure: plain JSON that plotly.js accepts as-is
 * (`Plotly.newPlot(div, fig)`), written here so the lib needs no @types/plotly.js.
 * Only the fields the builders use are named; index signatures keep every other Plotly
 * attribute available.
 */
export type Datum = number | string | null;

export interface LineStyle {
  color?: string;
  width?: number;
  dash?: 'solid' | 'dot' | 'dash' | 'longdash' | 'dashdot' | 'longdashdot' | (string & {});
  shape?: 'linear' | 'spline' | 'hv' | 'vh' | 'hvh' | 'vhv';
  [key: string]: unknown;
}

export interface MarkerStyle {
  color?: string | string[];
  size?: number | number[];
  symbol?: string;
  opacity?: number;
  line?: LineStyle;
  [key: string]: unknown;
}

export interface ErrorBars {
  type?: 'data' | 'percent' | 'constant' | 'sqrt';
  array?: number[];
  arrayminus?: number[];
  symmetric?: boolean;
  visible?: boolean;
  color?: string;
  thickness?: number;
  width?: number;
  [key: string]: unknown;
}

export interface PlotlyTrace {
  type?: 'scatter' | 'scattergl' | 'bar' | 'heatmap' | 'contour' | 'surface' | 'histogram' | (string & {});
  name?: string;
  x?: Datum[];
  y?: Datum[];
  z?: (number | null)[][];
  mode?: string;
  line?: LineStyle;
  marker?: MarkerStyle;
  fill?: 'none' | 'tozeroy' | 'tonexty' | 'toself' | (string & {});
  fillcolor?: string;
  opacity?: number;
  showlegend?: boolean;
  legendgroup?: string;
  hoverinfo?: string;
  hovertemplate?: string;
  text?: string | string[];
  xaxis?: string;
  yaxis?: string;
  error_y?: ErrorBars;
  [key: string]: unknown;
}

export interface Axis {
  title?: { text: string; [key: string]: unknown };
  type?: 'linear' | 'log' | 'category' | (string & {});
  range?: [number, number];
  autorange?: boolean | 'reversed';
  tickvals?: Datum[];
  ticktext?: string[];
  tickformat?: string;
  zeroline?: boolean;
  gridcolor?: string;
  matches?: string;
  [key: string]: unknown;
}

export interface Annotation {
  text: string;
  x?: number | string;
  y?: number | string;
  xref?: string;
  yref?: string;
  xanchor?: 'auto' | 'left' | 'center' | 'right';
  yanchor?: 'auto' | 'top' | 'middle' | 'bottom';
  showarrow?: boolean;
  font?: { size?: number; color?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Layout {
  title: { text: string; [key: string]: unknown };
  width: number;
  height: number;
  xaxis: Axis;
  yaxis: Axis;
  grid: { rows: number; columns: number; pattern?: 'independent' | 'coupled'; [key: string]: unknown };
  legend: { [key: string]: unknown };
  margin: { l?: number; r?: number; t?: number; b?: number; [key: string]: unknown };
  annotations: Annotation[];
  barmode: 'group' | 'overlay' | 'stack' | 'relative';
  hovermode: 'x' | 'y' | 'closest' | 'x unified' | false;
  scene: { [key: string]: unknown };
  coloraxis: { [key: string]: unknown };
  [key: string]: unknown;
}

export interface PlotConfig {
  responsive: boolean;
  displaylogo: boolean;
  staticPlot: boolean;
  [key: string]: unknown;
}

export interface Figure {
  data: PlotlyTrace[];
  layout: Partial<Layout>;
  config?: Partial<PlotConfig>;
}
