/**
 * A real browser for page tests: Debian's headless Chromium driven by playwright-core, with a
 * fresh profile per launch, no network services of its own (no updates, sync or QUIC), closed
 * when the test finishes. Tests that need it skip loudly when /usr/bin/chromium is missing
 * (`apt-get install -y chromium`; .ci/run installs it).
 */

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { onTestFinished } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
export const hasChromium: boolean = existsSync(CHROMIUM);

if (!hasChromium) console.warn(`\n*** ${CHROMIUM} is missing: the browser tests are SKIPPED (apt-get install -y chromium) ***\n`);

/** A test name that says, when Chromium is missing, why the test is skipped. */
export function needsChromium(name: string): string {
  return hasChromium ? name : `${name} — SKIPPED: ${CHROMIUM} not installed (apt-get install -y chromium)`;
}

export async function launchBrowser(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'osds-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...options,
  });
  onTestFinished(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  return context;
}
