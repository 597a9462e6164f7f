import { formatCompact, formatCount } from "../../lib/format.ts";

export interface DayBar {
  day: string;
  input: number;
  output: number;
}

/**
 * Tokens per day as stacked bars (input below, output above). Positions are percentages, so the chart fills
 * any width while its text keeps its size.
 */
export function DailyTokensChart(props: { days: DayBar[] }) {
  const { days } = props;
  const height = 200;
  const top = 16;
  const bottom = 22;
  const plot = height - top - bottom;
  const max = Math.max(1, ...days.map((d) => d.input + d.output));
  const slot = 100 / days.length;
  const barWidth = slot * 0.7;
  const labelEvery = Math.ceil(days.length / 8);
  const total = days.reduce((sum, d) => sum + d.input + d.output, 0);
  return (
    <figure className="chart">
      <svg
        width="100%"
        height={height}
        role="img"
        aria-label={`Tokens per day: ${formatCount(total)} in ${days.length} days, at most ${formatCount(max)} a day`}
      >
        <line x1="0" x2="100%" y1={top} y2={top} className="grid" />
        <line x1="0" x2="100%" y1={top + plot / 2} y2={top + plot / 2} className="grid" />
        <text x="0" y={top - 4} className="axis">
          {formatCompact(max)}
        </text>
        {days.map((d, i) => {
          const x = `${i * slot + (slot - barWidth) / 2}%`;
          const inputHeight = (d.input / max) * plot;
          const outputHeight = (d.output / max) * plot;
          return (
            <g key={d.day}>
              <title>{`${d.day}: ${formatCount(d.input)} input, ${formatCount(d.output)} output tokens`}</title>
              <rect
                x={x}
                width={`${barWidth}%`}
                y={top + plot - inputHeight}
                height={inputHeight}
                className="bar input"
              />
              <rect
                x={x}
                width={`${barWidth}%`}
                y={top + plot - inputHeight - outputHeight}
                height={outputHeight}
                className="bar output"
              />
              {i % labelEvery === 0 && (
                <text x={`${i * slot + slot / 2}%`} y={height - 6} textAnchor="middle" className="axis">
                  {d.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
        <line x1="0" x2="100%" y1={top + plot} y2={top + plot} className="baseline" />
      </svg>
      <figcaption className="legend">
        <span className="key input" /> Input tokens <span className="key output" /> Output tokens
      </figcaption>
    </figure>
  );
}

/** One horizontal bar per agent, scaled to the largest. */
export function AgentBars(props: { rows: { label: string; value: number; detail: string }[] }) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  return (
    <ul className="agent-bars" aria-label="Tokens per agent">
      {props.rows.map((row) => (
        <li key={row.label}>
          <div className="agent-bar-label">
            <strong>{row.label}</strong>
            <span className="muted">{row.detail}</span>
          </div>
          <svg width="100%" height="14" aria-hidden="true">
            <rect x="0" y="0" width="100%" height="14" rx="3" className="track" />
            <rect
              x="0"
              y="0"
              width={`${(row.value / max) * 100}%`}
              height="14"
              rx="3"
              className="bar input"
            />
          </svg>
        </li>
      ))}
    </ul>
  );
}
