/**
 * Debian's Firefox ESR, driven headless by puppeteer-core over WebDriver BiDi
 * (playwright's Firefox needs its own patched build, which cannot be
 * downloaded here).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';

/** Debian's firefox-esr. */
export const FIREFOX = '/usr/bin/firefox-esr';

/**
 * Firefox preferences for a lab on one machine. `ice.loopback`: gather (and
 * pair with) loopback candidates. `obfuscate_host_addresses` off: Firefox
 * otherwise hides its host candidates behind `*.local` mDNS names, which
 * nothing resolves on a machine without an mDNS responder (like Chromium's
 * `WebRtcHideLocalIpsWithMdns`, see `chromium.ts`). Background throttling off,
 * as for Chromium: pages keep their timers running.
 */
export const FIREFOX_PREFS: Readonly<Record<string, unknown>> = {
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'dom.min_background_timeout_value': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
};

/** Why Firefox cannot run here, or undefined when it can. */
export function firefoxMissing(): string | undefined {
  return existsSync(FIREFOX)
    ? undefined
    : `${FIREFOX} not found — install Debian's firefox-esr (apt-get install firefox-esr; .ci/run does)`;
}

/** Launches headless Firefox ESR with {@link FIREFOX_PREFS}. */
export async function launchFirefox(): Promise<Browser> {
  const puppeteer = (await import('puppeteer-core')).default;
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: { ...FIREFOX_PREFS },
  });
}
