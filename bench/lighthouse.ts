/**
 * Lighthouse on the patient page, as a phone sees it: Lighthouse's default mobile run (a Moto G Power-sized
 * screen, simulated slow 4G and a 4× slower CPU), signed in as a nurse, against the production server the bench
 * started. Simulated throttling computes the timings from the page's trace rather than waiting for them, so a
 * busy machine disturbs the scores less than the wall-clock figures, but not at all is not promised: the bench
 * prints the load average beside them.
 *
 * Chromium is the system's (CHROME_PATH, default /usr/bin/chromium): neither lighthouse nor chrome-launcher
 * downloads a browser.
 */
import fs from 'node:fs';

export interface LighthouseScores {
  performance: number;
  accessibility: number;
  bestPractices: number;
  /** Largest Contentful Paint, Total Blocking Time and the JavaScript sent, for the notes. */
  lcpMs: number | null;
  tbtMs: number | null;
  scriptKiB: number | null;
  url: string;
}

interface LighthouseResult {
  lhr: {
    categories: Record<string, { score: number | null }>;
    audits: Record<string, { numericValue?: number; details?: { items?: { resourceType?: string; transferSize?: number }[] } }>;
    runtimeError?: { message: string };
  };
}

/** Runs Lighthouse once on `url` with these request headers (the session cookie); null when it is not installed. */
export async function lighthouseScores(url: string, headers: Record<string, string>): Promise<LighthouseScores | { missing: string }> {
  const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromePath)) return { missing: `no browser at ${chromePath} (set CHROME_PATH)` };
  let lighthouse: (url: string, flags: Record<string, unknown>) => Promise<LighthouseResult | undefined>;
  let launch: (options: Record<string, unknown>) => Promise<{ port: number; kill: () => void | Promise<void> }>;
  try {
    lighthouse = ((await import('lighthouse')) as unknown as { default: typeof lighthouse }).default;
    launch = ((await import('chrome-launcher')) as unknown as { launch: typeof launch }).launch;
  } catch {
    return { missing: 'lighthouse is not installed (npm ci installs it as a dev dependency)' };
  }
  const chrome = await launch({
    chromePath,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
      extraHeaders: headers,
    });
    if (!result) return { missing: 'Lighthouse returned no result' };
    const { lhr } = result;
    if (lhr.runtimeError) return { missing: `Lighthouse: ${lhr.runtimeError.message}` };
    const score = (key: string) => Math.round((lhr.categories[key]?.score ?? 0) * 100);
    const scripts = lhr.audits['network-requests']?.details?.items?.filter((i) => i.resourceType === 'Script');
    return {
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      lcpMs: lhr.audits['largest-contentful-paint']?.numericValue ?? null,
      tbtMs: lhr.audits['total-blocking-time']?.numericValue ?? null,
      scriptKiB: scripts ? scripts.reduce((a, i) => a + (i.transferSize ?? 0), 0) / 1024 : null,
      url,
    };
  } finally {
    await chrome.kill();
  }
}
