/**
 * Lighthouse on the staff pages, as a phone and as a desktop see them, signed in as a nurse, against the production
 * server the bench started:
 * - mobile: Lighthouse's default run (a Moto G Power-sized screen, simulated slow 4G and a 4× slower CPU);
 * - desktop: Lighthouse's desktop preset (core/config/desktop-config.js: 1350×940, a fast connection, no CPU
 *   slow-down).
 * Simulated throttling computes the timings from the page's trace rather than waiting for them, but it scales the
 * main-thread tasks it observes, so a busy machine lowers the performance score: the bench prints the load average
 * beside every score.
 *
 * Chromium is the system's (CHROME_PATH, default /usr/bin/chromium): neither lighthouse nor chrome-launcher
 * downloads a browser.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type FormFactor = 'mobile' | 'desktop';

export interface LighthouseScores {
  performance: number;
  accessibility: number;
  bestPractices: number;
  /** Largest Contentful Paint, Total Blocking Time and the JavaScript sent, for the notes. */
  lcpMs: number | null;
  tbtMs: number | null;
  scriptKiB: number | null;
  /** The audits of the three categories that did not pass, by id (what to look at when a score drops). */
  failing: string[];
  url: string;
  formFactor: FormFactor;
  /** The 1-minute load average before and after the run. */
  load: { before: number; after: number };
  /** The full report, when the caller asked for one to be written. */
  reportFile?: string;
}

interface LighthouseResult {
  lhr: {
    categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
    audits: Record<
      string,
      {
        score: number | null;
        scoreDisplayMode?: string;
        numericValue?: number;
        details?: { items?: { resourceType?: string; transferSize?: number }[] };
      }
    >;
    runtimeError?: { message: string };
  };
  report: string | string[];
}

type Lighthouse = (
  url: string,
  flags: Record<string, unknown>,
  config?: unknown,
) => Promise<LighthouseResult | undefined>;
type Launch = (
  options: Record<string, unknown>,
) => Promise<{ port: number; kill: () => void | Promise<void> }>;

/**
 * Runs Lighthouse once on `url` with these request headers (the session cookie); `{ missing }` when it is not
 * installed or the run failed. With `reportDir`, the JSON report is written there (to read its audits:
 * largest-contentful-paint-element, bootup-time, unused-javascript, render-blocking-resources…).
 */
export async function lighthouseScores(
  url: string,
  headers: Record<string, string>,
  formFactor: FormFactor,
  options: { reportDir?: string; name?: string } = {},
): Promise<LighthouseScores | { missing: string }> {
  const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromePath)) return { missing: `no browser at ${chromePath} (set CHROME_PATH)` };
  let lighthouse: Lighthouse;
  let launch: Launch;
  let desktopConfig: unknown;
  try {
    lighthouse = ((await import('lighthouse')) as unknown as { default: Lighthouse }).default;
    launch = ((await import('chrome-launcher')) as unknown as { launch: Launch }).launch;
    desktopConfig = (
      (await import('lighthouse/core/config/desktop-config.js')) as unknown as { default: unknown }
    ).default;
  } catch {
    return { missing: 'lighthouse is not installed (npm ci installs it as a dev dependency)' };
  }
  const loadBefore = os.loadavg()[0]!;
  const chrome = await launch({
    chromePath,
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
    ],
  });
  try {
    const result = await lighthouse(
      url,
      {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
        extraHeaders: headers,
      },
      formFactor === 'desktop' ? desktopConfig : undefined,
    );
    if (!result) return { missing: 'Lighthouse returned no result' };
    const { lhr } = result;
    if (lhr.runtimeError) return { missing: `Lighthouse: ${lhr.runtimeError.message}` };
    const score = (key: string) => Math.round((lhr.categories[key]?.score ?? 0) * 100);
    const scripts = lhr.audits['network-requests']?.details?.items?.filter(
      (i) => i.resourceType === 'Script',
    );
    const failing = ['performance', 'accessibility', 'best-practices'].flatMap((key) =>
      (lhr.categories[key]?.auditRefs ?? [])
        .filter((ref) => {
          const audit = lhr.audits[ref.id];
          return (
            ref.weight > 0 &&
            audit &&
            audit.scoreDisplayMode !== 'notApplicable' &&
            audit.score != null &&
            audit.score < 0.9
          );
        })
        .map((ref) => ref.id),
    );
    let reportFile: string | undefined;
    if (options.reportDir) {
      fs.mkdirSync(options.reportDir, { recursive: true });
      reportFile = path.join(options.reportDir, `${options.name ?? 'lighthouse'}-${formFactor}.json`);
      fs.writeFileSync(reportFile, Array.isArray(result.report) ? result.report[0]! : result.report);
    }
    return {
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      lcpMs: lhr.audits['largest-contentful-paint']?.numericValue ?? null,
      tbtMs: lhr.audits['total-blocking-time']?.numericValue ?? null,
      scriptKiB: scripts ? scripts.reduce((a, i) => a + (i.transferSize ?? 0), 0) / 1024 : null,
      failing,
      url,
      formFactor,
      load: { before: loadBefore, after: os.loadavg()[0]! },
      reportFile,
    };
  } finally {
    await chrome.kill();
  }
}

/**
 * Runs each page `runs` times and keeps the run with the median performance score (Lighthouse's own advice for a
 * noisy machine: one run is one sample).
 */
export async function medianLighthouse(
  url: string,
  headers: Record<string, string>,
  formFactor: FormFactor,
  runs: number,
  options: { reportDir?: string; name?: string } = {},
): Promise<(LighthouseScores & { performanceRuns: number[] }) | { missing: string }> {
  const results: LighthouseScores[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await lighthouseScores(url, headers, formFactor, {
      ...options,
      name: runs > 1 ? `${options.name ?? 'lighthouse'}-run${i + 1}` : options.name,
    }).catch((error: Error) => ({ missing: `Lighthouse failed: ${error.message}` }));
    if ('missing' in r) return r;
    results.push(r);
  }
  const sorted = [...results].sort((a, b) => a.performance - b.performance);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)]!,
    performanceRuns: results.map((r) => r.performance),
  };
}
