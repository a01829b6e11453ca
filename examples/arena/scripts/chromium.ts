/** Debian's chromium (no browser download is possible here). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Chromium flags for driving arena pages headless. `WebRtcHideLocalIpsWithMdns`
 * off: Chromium otherwise replaces host candidates with random `*.local` mDNS
 * names, which nothing resolves on a machine without an mDNS responder (CI
 * containers) — only the candidates from the lobby's STUN would remain. (It
 * also works without the flag, through those; the flag keeps host pairs
 * available.) Background throttling off: two pages of one headless browser
 * both run at full frame rate.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];
