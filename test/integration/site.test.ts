/**
 * The datastore as a website, in a real browser: headless Chromium (Debian's, driven by
 * playwright-core) opening the pages from a real s3rver, as an anonymous reader with plain GETs.
 * Screenshots of each page are saved in the test's temporary folder (SCREENSHOTS=dir keeps them).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openGitDataset } from '../../src/adapters/git/dataset.ts';
import { listPublishedDatasets } from '../../src/adapters/s3/datasets.ts';
import { s3StoreReader } from '../../src/adapters/s3/reader.ts';
import { publishDataset } from '../../src/pipeline/publish.ts';
import { buildSite } from '../../src/site/build.ts';
import { hasChromium, launchBrowser, needsChromium } from '../support/browser.ts';
import { commitFiles, gitdir } from '../support/git.ts';
import { startS3, type TestS3 } from '../support/s3.ts';
import { testdir } from '../support/tmp.ts';

const HOSTILE = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
const FUNCTIONS = 12;
const YEARS = ['2021', '2022', '2023'];

function spending(): string {
  const rows = ['id,date,amount,fn,fn_title'];
  let id = 0;
  for (let f = 0; f < FUNCTIONS; f++) {
    for (const y of YEARS)
      rows.push(
        `${++id},${y}-03-0${(f % 9) + 1},${(f + 1) * 100}.25,F${f},${f === FUNCTIONS - 1 ? `"${HOSTILE.replace(/"/g, '""')}"` : `Function ${f}`}`,
      );
  }
  return rows.join('\n') + '\n';
}

const budget = {
  name: 'budget',
  title: HOSTILE,
  description: `A hostile <b>description</b> & more`,
  owner: 'alice',
  profiles: ['openspending', 'tabular'],
  location: 'GB',
  licenses: [{ name: 'ODC-PDDL-1.0', title: 'Open Data Commons PDDL', path: 'javascript:alert(1)' }],
  mapping: {
    transaction: {
      value: { currency: 'EUR', factor: 1 },
      attributes: { id: ['spending/id'], amount: ['spending/amount'], date: ['spending/date'] },
    },
    taxonomy: { attributes: { functional: { id: ['spending/fn'], title: ['spending/fn_title'] } } },
  },
  resources: [
    {
      name: 'spending',
      path: 'data/spending.csv',
      schema: {
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'date', type: 'date' },
          { name: 'amount', type: 'number' },
          { name: 'fn', type: 'string' },
          { name: 'fn_title', type: 'string' },
        ],
        primaryKey: 'id',
      },
    },
  ],
};

const population = {
  name: 'population',
  title: 'Population by region',
  owner: 'bob',
  resources: [
    {
      name: 'p',
      path: 'p.csv',
      schema: {
        fields: [
          { name: 'region', type: 'string' },
          { name: 'n', type: 'integer' },
        ],
      },
    },
  ],
};

async function publishAll(s3: TestS3) {
  const dir = await gitdir({ 'datapackage.json': budget, 'data/spending.csv': spending() });
  await publishDataset(await openGitDataset(dir), s3.store, { now: () => new Date('2026-01-01T00:00:00Z') });
  await commitFiles(dir, { 'README.md': 'notes\n' });
  await publishDataset(await openGitDataset(dir), s3.store, { now: () => new Date('2026-02-01T00:00:00Z') });
  await publishDataset(
    await openGitDataset(await gitdir({ 'datapackage.json': population, 'p.csv': 'region,n\nNorth,10\nSouth,20\n' })),
    s3.store,
  );
  return buildSite({ reader: s3StoreReader(s3.store), store: s3.store, listDatasets: () => listPublishedDatasets(s3.store) });
}

/** Console errors, page errors and every request's origin, for a page. */
function watch(page: Page) {
  const errors: string[] = [];
  const origins = new Set<string>();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => origins.add(new URL(r.url()).origin));
  return { errors, origins };
}

async function shots(): Promise<string> {
  const dir = process.env.SCREENSHOTS ?? join(await testdir(), 'screenshots');
  await mkdir(dir, { recursive: true });
  return dir;
}

describe.skipIf(!hasChromium)(needsChromium('the website in headless Chromium'), () => {
  it('the catalog and a dataset page: texts, links, one mark per year and per top entry, hostile text shown as text, no console error, nothing from another origin', async () => {
    const s3 = await startS3();
    const site = await publishAll(s3);
    expect(site).toMatchObject({ source: 'store', datasets: 2, pages: 2 });
    const base = `${s3.endpoint}/${s3.bucket}`;
    expect(site.url).toBe(`${base}/index.html`);
    const dir = await shots();

    const browser = await launchBrowser();
    const page = await browser.newPage();
    const { errors, origins } = watch(page);

    // The catalog.
    await page.goto(site.url);
    expect(await page.locator('h1').textContent()).toBe('OpenSpending datastore');
    const rows = page.locator('#datasets tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await page.locator('#datasets tbody a', { hasText: 'budget' }).getAttribute('href')).toBe('datasets/alice/budget/index.html');
    // The hostile title is in the catalog as text.
    expect(await rows.first().textContent()).toContain(HOSTILE);
    // Search filters, sorting reorders.
    await page.fill('#search-box', 'populat');
    expect(await page.locator('#datasets tbody tr:not([hidden])').count()).toBe(1);
    expect(await page.locator('#count').textContent()).toBe('1 of 2 datasets shown');
    await page.fill('#search-box', '');
    await page.click('th[data-sort="size"] button');
    expect(await page.locator('th[data-sort="size"]').getAttribute('aria-sort')).toBe('ascending');
    expect(await rows.first().locator('td').first().textContent()).toMatch(/^population/);
    await page.click('th[data-sort="size"] button');
    expect(await rows.first().locator('td').first().textContent()).toMatch(/^budget/);
    await page.screenshot({ path: join(dir, 'catalog.png'), fullPage: true });

    // A dataset's page, reached by its link.
    await page.click('#datasets tbody a[href="datasets/alice/budget/index.html"]');
    await page.waitForURL(`${base}/datasets/alice/budget/index.html`);
    expect(await page.locator('h1').textContent()).toBe(HOSTILE);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('A hostile <b>description</b> & more');
    // A javascript: license path is not a link.
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    for (const text of [
      'Owner',
      'alice',
      'License',
      'Open Data Commons PDDL',
      'Location',
      'GB',
      'Valid',
      'spending',
      'data/spending.csv',
      `${YEARS.length * FUNCTIONS}`,
      'Totals by year',
      'Top 10 functional by total',
      'Versions',
    ]) {
      expect(await page.locator('main').textContent(), text).toContain(text);
    }
    // Charts: one bar per year and per top entry, with a text alternative.
    expect(await page.locator('#chart-years rect.bar').count()).toBe(YEARS.length);
    expect(await page.locator('#chart-functional rect.bar').count()).toBe(10);
    expect(await page.locator('#chart-years').getAttribute('role')).toBe('img');
    expect(await page.locator('#chart-years title').first().textContent()).toBe('Totals by year (EUR)');
    // The table beside a chart has the currency and the exact totals.
    const total = (f: number) => `${YEARS.length * (f + 1) * 100}.75`;
    expect(await page.locator('table', { hasText: 'Top 10 of 12 functional' }).textContent()).toContain(total(FUNCTIONS - 1));
    expect(await page.locator('table', { hasText: 'Top 10 of 12 functional' }).locator('th').nth(2).textContent()).toBe('Total (EUR)');
    // A CSV cell holding markup (the largest function's title) is shown as text, in the table and the chart.
    expect(await page.locator('table', { hasText: 'Top 10 of 12 functional' }).locator('tbody tr').first().textContent()).toContain(
      HOSTILE,
    );
    expect(await page.locator('#chart-functional rect.bar title').first().textContent()).toBe(`${HOSTILE} (F11): ${total(FUNCTIONS - 1)}`);
    // The schema's fields and types.
    expect(await page.locator('table', { hasText: 'Fields of spending' }).textContent()).toContain('fn_title');
    // Versions, newest first, each with its report and manifest.
    const versions = page.locator('table', { hasText: 'Published versions' }).locator('tbody tr');
    expect(await versions.count()).toBe(2);
    expect(await versions.first().textContent()).toContain('(latest)');
    // Every link on the page that stays in the store answers 200 (GETs only).
    const links = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
    const local = [...new Set(links.filter((h) => h.startsWith(base)))];
    expect(local.length).toBeGreaterThanOrEqual(8);
    for (const url of local) expect((await fetch(url)).status, url).toBe(200);
    await page.screenshot({ path: join(dir, 'dataset.png'), fullPage: true });

    // The first version's own page: its figures and its content-addressed files, no version list.
    await versions.nth(1).locator('a', { hasText: 'page' }).click();
    await page.waitForURL(/\/versions\/[0-9a-f]{40}\.html$/);
    expect(await page.locator('main').textContent()).toContain('This page never changes');
    expect(await page.locator('#chart-years rect.bar').count()).toBe(YEARS.length);
    expect(await page.locator('h2', { hasText: 'Versions' }).count()).toBe(0);
    const spendingLink = await page.locator('a', { hasText: 'data/spending.csv' }).evaluate((a) => (a as unknown as { href: string }).href);
    expect(spendingLink).toMatch(/\/datasets\/alice\/budget\/blobs\/sha256\/[0-9a-f]{64}$/);
    expect(await (await fetch(spendingLink)).text()).toBe(spending());
    const versionLinks = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
    for (const url of new Set(versionLinks.filter((h) => h.startsWith(base)))) expect((await fetch(url)).status, url).toBe(200);
    await page.screenshot({ path: join(dir, 'version.png'), fullPage: true });

    expect(errors).toEqual([]);
    expect([...origins]).toEqual([s3.endpoint]);
  });

  it('content without JavaScript, a phone-sized screen, and a page on another origin reading the store with fetch() (CORS)', async () => {
    const s3 = await startS3();
    const site = await publishAll(s3);
    const dir = await shots();

    const noJs = await launchBrowser({ javaScriptEnabled: false });
    const page = await noJs.newPage();
    await page.goto(site.url);
    expect(await page.locator('#datasets tbody tr a').count()).toBe(2);
    expect(await page.locator('#search').isVisible()).toBe(false);
    await page.goto(`${s3.endpoint}/${s3.bucket}/datasets/alice/budget/index.html`);
    expect(await page.locator('#chart-years rect.bar').count()).toBe(YEARS.length);

    const phone = await launchBrowser({ viewport: { width: 360, height: 740 } });
    const small = await phone.newPage();
    await small.goto(`${s3.endpoint}/${s3.bucket}/datasets/alice/budget/index.html`);
    // Nothing wider than the screen but the tables, which scroll inside their own box.
    expect(await small.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await small.screenshot({ path: join(dir, 'dataset-phone.png'), fullPage: true });

    // Another origin: a page served by a plain HTTP server fetching a descriptor from the store.
    const target = `${s3.endpoint}/${s3.bucket}/datasets/bob/population/datapackage.json`;
    const server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title><p>other origin</p>');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const other = `http://localhost:${(server.address() as AddressInfo).port}/`;
      const browser = await launchBrowser();
      const p = await browser.newPage();
      await p.goto(other);
      const got = await p.evaluate(async (url) => {
        const r = await fetch(url);
        return { status: r.status, name: ((await r.json()) as { name: string }).name };
      }, target);
      expect(got).toEqual({ status: 200, name: 'population' });
    } finally {
      server.close();
    }
  });
});
