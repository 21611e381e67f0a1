import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A uPlot chart sized to its box; rebuilt when its options or data change, destroyed on unmount. */
export function UPlotChart({ options, data, testId }: { options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData; testId: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const size = () => ({ width: Math.max(320, element.clientWidth), height: 280 });
    const chart = new uPlot({ ...options, ...size() }, data, element);
    const observer = new ResizeObserver(() => chart.setSize(size()));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [options, data]);
  return <div className="owner-chart" ref={box} data-testid={testId} />;
}
