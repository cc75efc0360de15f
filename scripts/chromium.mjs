// Finds a Chromium to drive: CHROMIUM_PATH, Debian's /usr/bin/chromium, or a browser Playwright already has.
// Never downloads one.
import fs from 'node:fs';

export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  for (const candidate of candidates) if (candidate && fs.existsSync(candidate)) return candidate;
  return null;
}
