import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef, useState } from 'react';
import { formatCompact, formatUsd, formatUsdAxis } from '../lib/format';

// Only what a stacked bar chart needs, so the rest of chart.js stays out of the bundle.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Distinct in both themes and for the common color-vision deficiencies (Okabe–Ito). */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];

/** Props of the usage chart: one series per provider or model, one bar per day. */
export interface UsageChartProps {
  days: string[];
  series: { key: string; values: number[] }[];
  metric: 'tokens' | 'cost';
  label: string;
}

/** The colors of the chart's text and grid lines, from the theme's custom properties. */
function readChartColors(): { text: string; grid: string } {
  const styles = getComputedStyle(document.documentElement);
  return {
    text: styles.getPropertyValue('--muted').trim() || '#666',
    grid: styles.getPropertyValue('--chart-grid').trim() || 'rgba(0,0,0,0.08)',
  };
}

/** The chart colors of the OS theme: read again when the theme changes. */
function useChartColors(): { text: string; grid: string } {
  const [colors, setColors] = useState(readChartColors);
  useEffect(() => {
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!media) return;
    const onChange = () => setColors(readChartColors());
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  return colors;
}

/** A stacked bar chart of tokens or cost per day; redrawn when the data or the OS theme changes. */
export function UsageChart({ days, series, metric, label }: UsageChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { text, grid } = useChartColors();

  useEffect(() => {
    if (!canvas.current) return;
    const format = (v: number) => (metric === 'cost' ? formatUsd(v) : formatCompact(v));
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: days.map((d) => d.slice(5)),
        datasets: series.map((s, i) => ({
          label: s.key,
          data: s.values,
          backgroundColor: PALETTE[i % PALETTE.length],
          borderRadius: 3,
          maxBarThickness: 36,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { color: text, maxRotation: 0, autoSkipPadding: 12 } },
          y: {
            stacked: true,
            beginAtZero: true,
            grid: { color: grid },
            border: { display: false },
            ticks: {
              color: text,
              callback: (v, _index, ticks) => {
                if (metric !== 'cost') return formatCompact(Number(v));
                const step = ticks.length > 1 ? Math.abs(Number(ticks[1]?.value) - Number(ticks[0]?.value)) : 0;
                return formatUsdAxis(Number(v), step);
              },
            },
          },
        },
        plugins: {
          legend: { position: 'bottom', labels: { color: text, boxWidth: 12, boxHeight: 12 } },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${format(Number(ctx.raw))}` } },
        },
      },
    });
    return () => chart.destroy();
  }, [days, series, metric, text, grid]);

  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
