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

function useColorScheme(): 'light' | 'dark' {
  const query = '(prefers-color-scheme: dark)';
  const [scheme, setScheme] = useState<'light' | 'dark'>(() => (window.matchMedia?.(query).matches ? 'dark' : 'light'));
  useEffect(() => {
    const media = window.matchMedia?.(query);
    if (!media) return;
    const onChange = () => setScheme(media.matches ? 'dark' : 'light');
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  return scheme;
}

/** A stacked bar chart of tokens or cost per day; redrawn when the data or the OS theme changes. */
export function UsageChart({ days, series, metric, label }: UsageChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const scheme = useColorScheme();

  useEffect(() => {
    if (!canvas.current) return;
    const styles = getComputedStyle(document.documentElement);
    const text = styles.getPropertyValue('--muted').trim() || '#666';
    const grid = styles.getPropertyValue('--chart-grid').trim() || 'rgba(0,0,0,0.08)';
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
          y: { stacked: true, beginAtZero: true, grid: { color: grid }, border: { display: false }, ticks: {
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
  }, [days, series, metric, scheme]);

  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
