import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** A QR code drawn in the page (SVG as an image: nothing in it can run). */
export function QrImage({ text, size, testId }: { text: string; size: number; testId?: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then((s) => live && setSvg(s));
    return () => {
      live = false;
    };
  }, [text]);
  if (!svg) return <div style={{ width: size, height: size }} />;
  return (
    <img
      className="qr"
      width={size}
      height={size}
      alt={text}
      data-testid={testId}
      data-qr={text}
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
    />
  );
}
