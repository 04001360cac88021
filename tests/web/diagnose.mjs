// Drives the errsig web page in the system's Chromium, headless, through playwright-core.
//
//   node tests/web/diagnose.mjs http://127.0.0.1:PORT [ARTIFACT_DIR]
//
// With JavaScript: pastes the Azure 404 full-deployment-URL log, presses Diagnose, and checks that
// the right article comes first with its fix, a highlighted span and the redaction note, that the
// secret in the log is nowhere on the page, and that Copy copies the fix; then the same at phone
// width (390 px) with Ctrl+Enter. Without JavaScript: opens the article page, searches the index,
// and diagnoses through the plain form post. Then axe-core audits the pages against WCAG 2.1 A and
// AA (labels, names, contrast, ...) in the light and the dark colour scheme. Any console error, page error, failed request,
// HTTP error or request to another origin fails the run. Screenshots go to ARTIFACT_DIR
// (default target/web-artifacts). Exits 0 when every check passed, 1 when one failed, 2 on bad
// usage, 3 when it ran out of time.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = (process.argv[2] || '').replace(/\/$/, '');
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) {
  console.error('usage: node diagnose.mjs http://127.0.0.1:PORT [ARTIFACT_DIR]');
  process.exit(2);
}
const artifacts = path.resolve(process.argv[3] || path.join(here, '..', '..', 'target', 'web-artifacts'));
const executablePath = process.env.ERRSIG_CHROMIUM || '/usr/bin/chromium';
const LOG = readFileSync(path.join(here, 'azure-404-full-deployment-url.log'), 'utf8');
const EXPECTED = 'azure-404-full-deployment-url-without-azure-prefix';
const SECRET = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const timer = setTimeout(() => {
  console.error('diagnose.mjs: FAILED: no result after 120 s');
  process.exit(3);
}, 120_000);
timer.unref();

const problems = [];
let checks = 0;
function check(condition, what) {
  checks += 1;
  if (!condition) throw new Error(`check failed: ${what}`);
}

async function launch(javaScriptEnabled, viewport, bypassCSP = false) {
  // A fresh profile per browser: nothing carries over between runs.
  const profile = mkdtempSync(path.join(tmpdir(), 'errsig-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    javaScriptEnabled,
    viewport,
    bypassCSP,
    timeout: 30_000,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function watch(page, label) {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${label}: console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${label}: page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    problems.push(`${label}: request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith('data:')) {
      problems.push(`${label}: request to another origin: ${url}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.push(`${label}: HTTP ${response.status()} for ${response.url()}`);
    }
  });
  return page;
}

async function page(context, label) {
  const pages = context.pages();
  const first = pages.length ? pages[0] : await context.newPage();
  return watch(first, label);
}

// Checks the results section of a page that has just been diagnosed.
async function checkResults(page, label) {
  await page.locator('#results h2').waitFor();
  const first = page.locator('#results ol.matches > li').first();
  const link = first.locator('h3 a');
  check((await link.getAttribute('href')) === `/signatures/${EXPECTED}`, `${label}: the first match is ${EXPECTED}`);
  const fixes = first.locator('ol.fixes');
  check(await fixes.isVisible(), `${label}: the first match shows its fixes`);
  const code = await fixes.locator('pre.code').first().textContent();
  check(code.includes('model="azure/gpt-4o-prod"'), `${label}: the first fix holds the captured deployment`);
  const marks = await first.locator('.log mark').allTextContents();
  check(marks.some((text) => text.includes('Resource not found')), `${label}: the matched span is highlighted`);
  const meter = await first.locator('meter').getAttribute('value');
  check(Number(meter) >= 0.5, `${label}: the confidence bar shows a confident match`);
  const privacy = await page.locator('#results .privacy').textContent();
  check(privacy.includes('1 API key removed before matching'), `${label}: the redaction note says what was removed`);
  check(!(await page.content()).includes(SECRET), `${label}: the secret is nowhere in the page`);
  return first;
}

async function main() {
  mkdirSync(artifacts, { recursive: true });

  // 1. With JavaScript, desktop width: paste, press Diagnose, results in place.
  {
    const browser = await launch(true, { width: 1280, height: 900 });
    try {
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      const p = await page(browser.context, 'js');
      await p.goto(`${base}/`);
      check((await p.locator('h1').textContent()).includes('Diagnose'), 'js: the home page has its heading');
      check(await p.locator('#log-file').isVisible(), 'js: the script enhanced the form (file input shown)');
      await p.getByLabel('Log text').fill(LOG);
      await p.getByRole('button', { name: 'Diagnose' }).click();
      const first = await checkResults(p, 'js');
      check(p.url() === `${base}/`, 'js: the results came in place, without leaving the page');
      check(
        await p.evaluate(() => document.activeElement && document.activeElement.id === 'results'),
        'js: focus moved to the results'
      );
      check((await p.getByLabel('Log text').inputValue()) === LOG.replace(/\r\n/g, '\n'), 'js: the pasted log stays in the box');
      // Copy puts the fix's code on the clipboard.
      const copy = first.locator('.code-block button.copy').first();
      await copy.click();
      await p.waitForFunction(() => document.querySelector('.code-block button.copy').textContent === 'Copied');
      const copied = await p.evaluate(() => navigator.clipboard.readText());
      check(copied.includes('model="azure/gpt-4o-prod"'), 'js: Copy copies the fix');
      await p.screenshot({ path: path.join(artifacts, 'results.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }

  // 2. With JavaScript, phone width: Ctrl+Enter diagnoses; nothing is wider than the screen.
  {
    const browser = await launch(true, { width: 390, height: 844 });
    try {
      const p = await page(browser.context, 'phone');
      await p.goto(`${base}/`);
      await p.getByLabel('Log text').fill(LOG);
      await p.getByLabel('Log text').press('Control+Enter');
      await checkResults(p, 'phone');
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(overflow <= 0, `phone: the page fits 390 px (overflows by ${overflow} px)`);
      await p.screenshot({ path: path.join(artifacts, 'results-390.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }

  // 3. Without JavaScript: the article page, the index search and the plain form post.
  {
    const browser = await launch(false, { width: 1280, height: 900 });
    try {
      const p = await page(browser.context, 'nojs');
      const response = await p.goto(`${base}/signatures/${EXPECTED}`);
      check(response.status() === 200, 'nojs: the article page answers 200');
      check((await p.locator('h1').textContent()).startsWith('Azure OpenAI: 404 Resource not found'), 'nojs: the article has its title');
      for (const heading of ['What it means', 'Causes', 'How to fix it', 'How to verify', 'Versions', 'Sources', 'Related problems']) {
        check(await p.getByRole('heading', { name: heading, exact: true }).isVisible(), `nojs: the article has "${heading}"`);
      }
      check(
        (await p.locator('ol.fixes pre.code').first().textContent()).includes('model="azure/<deployment>"'),
        'nojs: the fix shows the variable as a placeholder'
      );
      check(await p.locator('#log-file').count() === 0, 'nojs: the article page has no form');
      await p.screenshot({ path: path.join(artifacts, 'article.png'), fullPage: false });

      await p.goto(`${base}/signatures`);
      await p.getByLabel('Search the articles').fill('Resource not found deployment URL');
      await p.getByLabel('Search the articles').press('Enter');
      await p.waitForURL(/\/signatures\?/);
      const found = await p.locator('ol.sig-list > li a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      check(found.includes(`/signatures/${EXPECTED}`), 'nojs: the search finds the article');

      await p.goto(`${base}/`);
      check(!(await p.locator('#log-file').isVisible()), 'nojs: the file input stays hidden without the script');
      await p.getByLabel('Log text').fill(LOG);
      await p.getByRole('button', { name: 'Diagnose' }).click();
      await p.waitForURL(`${base}/diagnose#results`);
      await checkResults(p, 'nojs');
    } finally {
      await browser.close();
    }
  }

  // 4. Accessibility: axe-core on every kind of page, in both colour schemes. Injecting axe needs
  // the CSP bypassed, so this browser does not take part in the CSP checks above.
  {
    const browser = await launch(true, { width: 1280, height: 900 }, true);
    try {
      const p = await page(browser.context, 'a11y');
      const audits = [
        ['results', async () => {
          await p.goto(`${base}/`);
          await p.getByLabel('Log text').fill(LOG);
          await p.getByRole('button', { name: 'Diagnose' }).click();
          await p.locator('#results h2').waitFor();
          // Closed parts are audited too.
          await p.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
        }],
        ['no match', async () => {
          await p.goto(`${base}/`);
          await p.getByLabel('Log text').fill('Exception: Resource not found');
          await p.getByRole('button', { name: 'Diagnose' }).click();
          await p.locator('#results h2').waitFor();
        }],
        ['index', () => p.goto(`${base}/signatures`)],
        ['search', () => p.goto(`${base}/signatures?q=rate+limit&tool=litellm`)],
        ['article', () => p.goto(`${base}/signatures/${EXPECTED}`)],
      ];
      for (const scheme of ['light', 'dark']) {
        await p.emulateMedia({ colorScheme: scheme });
        for (const [name, open] of audits) {
          await open();
          await p.addScriptTag({ path: AXE });
          const violations = await p.evaluate(async () => {
            const result = await window.axe.run(document, {
              runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
            });
            return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
          });
          check(violations.length === 0, `a11y: the ${name} page (${scheme}) has no WCAG A/AA violations:\n  ${violations.join('\n  ')}`);
        }
      }
    } finally {
      await browser.close();
    }
  }

  if (problems.length) throw new Error(`the browser reported:\n  ${problems.join('\n  ')}`);
}

try {
  await main();
  console.log(`diagnose.mjs: ${checks} checks passed, 0 failed; screenshots in ${artifacts}`);
  process.exit(0);
} catch (error) {
  console.error(`diagnose.mjs: FAILED after ${checks} checks: ${error.message}`);
  if (problems.length) console.error(`also:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
