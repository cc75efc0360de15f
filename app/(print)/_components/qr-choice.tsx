/** The QR code choice on the print pages: a link to the public guide, or the offline code carrying the facts. */
import Link from 'next/link';
import type { QrMode } from '@/lib/cards/qr-target';
import styles from './print.module.css';

export function QrChoice({ mode, href }: { mode: QrMode; href: (mode: QrMode) => string }) {
  return (
    <nav aria-label="QR code" className={styles.sizeLinks}>
      QR code:
      <Link href={href('link')} aria-current={mode === 'link' ? 'page' : undefined}>
        Link to the emergency guide
      </Link>
      <Link href={href('text')} aria-current={mode === 'text' ? 'page' : undefined}>
        Offline (facts as text, no network needed)
      </Link>
    </nav>
  );
}
