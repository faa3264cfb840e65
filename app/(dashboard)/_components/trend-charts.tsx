"use client";

import { useSyncExternalStore, type ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** One day of the Overview's trends, as the server page hands it over (plain numbers, serialisable). */
export interface TrendPoint {
  day: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  devicesReporting: number;
  devicesSilent: number;
  hybrid: number;
  entra: number;
  registered: number;
  domain: number;
  none: number;
}

/** Reports received during one whole UTC day. */
export interface ReportsPoint {
  day: string;
  reports: number;
}

/**
 * Mid-tone colours that read on the light cards and the dark ones alike: SVG presentation attributes cannot take the
 * theme's CSS variables, and every series is also named in the legend and the tooltip, and listed in the table.
 */
const SEVERITY_SERIES = [
  { key: "critical", label: "Critical", color: "#ef4444" },
  { key: "high", label: "High", color: "#f97316" },
  { key: "medium", label: "Medium", color: "#eab308" },
  { key: "low", label: "Low", color: "#3b82f6" },
  { key: "info", label: "Info", color: "#94a3b8" },
] as const;
const JOIN_SERIES = [
  { key: "hybrid", label: "Hybrid joined", color: "#6366f1" },
  { key: "entra", label: "Entra joined", color: "#0ea5e9" },
  { key: "registered", label: "Registered", color: "#14b8a6" },
  { key: "domain", label: "Domain only", color: "#a855f7" },
  { key: "none", label: "Not joined", color: "#94a3b8" },
] as const;

/** Legends in the series' own order (most severe first), not recharts' default A→Z. */
const SERIES_ORDER = new Map<string, number>(
  [...SEVERITY_SERIES, ...JOIN_SERIES, { key: "devicesReporting" }, { key: "devicesSilent" }].map((s, i) => [s.key, i]),
);
const seriesOrder = (item: { dataKey?: unknown }) => SERIES_ORDER.get(String(item.dataKey)) ?? 99;

const subscribe = () => () => {};
/**
 * Drawn in the browser only. Recharts gives its wrappers and tooltip `style` attributes: in server-rendered HTML the
 * page's Content-Security-Policy (style-src with a nonce, no 'unsafe-inline') blocks them, while styles React sets
 * from script (CSSOM) are allowed. The server renders a placeholder of the same height; the numbers are in the table.
 */
function useInBrowser(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

const shortDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });
const axis = { tick: { fill: "currentColor", fontSize: 11 }, stroke: "currentColor", strokeOpacity: 0.3 } as const;
/** The tooltip's colours come from CSS variables the chart's wrapper sets per theme (see ChartCard). */
const tooltip = {
  contentStyle: {
    background: "var(--chart-tooltip-bg)",
    border: "1px solid var(--chart-tooltip-border)",
    borderRadius: 8,
    fontSize: 12,
    color: "var(--chart-tooltip-text)",
  },
  labelStyle: { color: "var(--chart-tooltip-text)", fontWeight: 600 },
  cursor: { fill: "currentColor", fillOpacity: 0.08 },
  labelFormatter: (day: unknown) => (typeof day === "string" ? shortDay(day) : String(day)),
} as const;

export function TrendCharts({ points, reports }: { points: TrendPoint[]; reports: ReportsPoint[] }) {
  const inBrowser = useInBrowser();
  const chart = (render: () => ReactNode) =>
    inBrowser ? (
      <ResponsiveContainer width="100%" height="100%">
        {render()}
      </ResponsiveContainer>
    ) : null;
  return (
    <div className="grid gap-4 lg:grid-cols-2" data-testid="trend-charts" data-drawn={inBrowser ? "true" : undefined}>
      <ChartCard title="Open findings by severity" summary={`Open findings per day over ${points.length} days, by severity`}>
        {chart(() => (
          <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
            <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.12} />
            <XAxis dataKey="day" tickFormatter={shortDay} {...axis} />
            <YAxis allowDecimals={false} {...axis} />
            <Tooltip {...tooltip} />
            <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} itemSorter={seriesOrder} />
            {SEVERITY_SERIES.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} stackId="severity" fill={s.color} isAnimationActive={false} maxBarSize={28} />
            ))}
          </BarChart>
        ))}
      </ChartCard>
      <ChartCard
        title="Devices reporting and gone silent"
        summary={`Devices with a report and devices silent for a week or more, per day over ${points.length} days`}
      >
        {chart(() => (
          <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
            <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.12} />
            <XAxis dataKey="day" tickFormatter={shortDay} {...axis} />
            <YAxis allowDecimals={false} {...axis} />
            <Tooltip {...tooltip} cursor={{ stroke: "currentColor", strokeOpacity: 0.3 }} />
            <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} itemSorter={seriesOrder} />
            <Line dataKey="devicesReporting" name="Reporting" stroke="#3b82f6" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
            <Line dataKey="devicesSilent" name="Gone silent (7 days)" stroke="#f97316" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
          </LineChart>
        ))}
      </ChartCard>
      <ChartCard title="Reports received per day" summary={`Reports received per whole UTC day over ${reports.length} days`}>
        {chart(() => (
          <BarChart data={reports} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
            <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.12} />
            <XAxis dataKey="day" tickFormatter={shortDay} {...axis} />
            <YAxis allowDecimals={false} {...axis} />
            <Tooltip {...tooltip} />
            <Bar dataKey="reports" name="Reports" fill="#6366f1" isAnimationActive={false} maxBarSize={28} />
          </BarChart>
        ))}
      </ChartCard>
      <ChartCard title="Join type of the latest reports" summary={`Devices by the join type of their latest report, per day over ${points.length} days`}>
        {chart(() => (
          <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
            <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.12} />
            <XAxis dataKey="day" tickFormatter={shortDay} {...axis} />
            <YAxis allowDecimals={false} {...axis} />
            <Tooltip {...tooltip} />
            <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} itemSorter={seriesOrder} />
            {JOIN_SERIES.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} stackId="join" fill={s.color} isAnimationActive={false} maxBarSize={28} />
            ))}
          </BarChart>
        ))}
      </ChartCard>
    </div>
  );
}

/** The chart is an image to assistive technology, named by its summary; the page's "Show as table" holds its numbers. */
function ChartCard({ title, summary, children }: { title: string; summary: string; children: ReactNode }) {
  return (
    <figure className="card p-4">
      <figcaption className="text-sm font-semibold">{title}</figcaption>
      <div
        role="img"
        aria-label={summary}
        className="mt-3 h-52 text-slate-500 [--chart-tooltip-bg:var(--color-white)] [--chart-tooltip-border:var(--color-slate-200)] [--chart-tooltip-text:var(--color-slate-900)] dark:text-slate-400 dark:[--chart-tooltip-bg:var(--color-slate-900)] dark:[--chart-tooltip-border:var(--color-slate-700)] dark:[--chart-tooltip-text:var(--color-slate-100)]"
        data-testid="trend-chart"
      >
        {children}
      </div>
    </figure>
  );
}

/** One day of the weekly review's trend lines. */
export interface ReviewTrendPoint {
  day: string;
  openFindings: number;
  criticalHigh: number;
  devicesSilent: number;
}

const REVIEW_SERIES = [
  { key: "openFindings", label: "Open findings", color: "#3b82f6" },
  { key: "criticalHigh", label: "Critical and high", color: "#ef4444" },
  { key: "devicesSilent", label: "Devices gone silent", color: "#f97316" },
] as const;

/** The weekly review's trend lines: open findings, the critical and high among them, devices gone silent, per day. */
export function ReviewTrendChart({ points }: { points: ReviewTrendPoint[] }) {
  const inBrowser = useInBrowser();
  return (
    <div data-testid="review-trend" data-drawn={inBrowser ? "true" : undefined} data-points={points.length}>
      <ChartCard title="Trend" summary={`Open findings, critical and high findings, and devices gone silent, per day over ${points.length} days`}>
        {inBrowser ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
              <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.12} />
              <XAxis dataKey="day" tickFormatter={shortDay} {...axis} />
              <YAxis allowDecimals={false} {...axis} />
              <Tooltip {...tooltip} cursor={{ stroke: "currentColor", strokeOpacity: 0.3 }} />
              <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} />
              {REVIEW_SERIES.map((s) => (
                <Line key={s.key} dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        ) : null}
      </ChartCard>
    </div>
  );
}
