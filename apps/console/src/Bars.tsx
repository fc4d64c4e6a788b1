/** One bar: its label, its share of the longest (0 to 1), and the figure written beside it. */
export interface Bar {
  label: string;
  share: number;
  figure: string;
}

/**
 * A horizontal bar chart drawn in SVG (attributes, not inline styles: the console's CSP allows no
 * inline style). The figures are text beside the bars, so the chart reads the same without its
 * drawing; the drawing is hidden from assistive technologies, and the caption (the card's heading
 * already says it to the eye) is for them.
 */
export function Bars({ caption, bars, testId }: { caption: string; bars: Bar[]; testId?: string }) {
  return (
    <figure className="bars" data-testid={testId}>
      <figcaption className="visually-hidden">{caption}</figcaption>
      <dl>
        {bars.map((b) => (
          <div key={b.label} className="bar">
            <dt>{b.label}</dt>
            <dd>
              <svg width="160" height="12" aria-hidden="true" focusable="false">
                <rect x="0" y="0" width="160" height="12" fill="#e4e8ee" />
                <rect x="0" y="0" width={Math.max(0, Math.min(1, b.share)) * 160} height="12" fill="#12355b" />
              </svg>
              <span className="figure-text">{b.figure}</span>
            </dd>
          </div>
        ))}
      </dl>
    </figure>
  );
}
