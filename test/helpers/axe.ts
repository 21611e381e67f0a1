/// <reference lib="dom" />
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** WCAG 2.1 A and AA, and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] as const;

/**
 * Rules the issue named (a main heading, named table columns, zoom allowed, named dialogs, scrollable regions
 * reachable by keyboard): counted as failures whatever impact axe gives them.
 */
export const REQUIRED_RULES: ReadonlySet<string> = new Set([
  'page-has-heading-one',
  'empty-table-header',
  'meta-viewport',
  'meta-viewport-large',
  'scrollable-region-focusable',
  'aria-dialog-name',
]);

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

interface AxeResult {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Waits until the page's DOM has been quiet for `quietMs` (panels fill in from calls over the WebSocket, which
 * Playwright's load states do not see); a screen that keeps changing (a live monitor) is audited after `limitMs`.
 */
export async function settle(page: Page, quietMs = 300, limitMs = 5000): Promise<void> {
  await page.evaluate(
    ([quiet, limit]) =>
      new Promise<void>((resolve) => {
        let timer = setTimeout(done, quiet);
        const cap = setTimeout(done, limit);
        const observer = new MutationObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(done, quiet);
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
        function done() {
          observer.disconnect();
          clearTimeout(timer);
          clearTimeout(cap);
          resolve();
        }
      }),
    [quietMs, limitMs] as const,
  );
}

/** Runs axe-core in the page (injected once per document; the page needs bypassCSP, the app's CSP allows no inline script). */
export async function runAxe(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: AxeResult[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations;
  }, [...AXE_TAGS]);
  return violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? null,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
  }));
}

/** The findings that fail a screen: serious or critical, or one of the rules the issue named. */
export function blockingFindings(findings: AxeFinding[]): AxeFinding[] {
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical' || REQUIRED_RULES.has(f.id));
}

/** One line per failing element: screen, rule, impact, target and axe's summary of what to fix. */
export function describeFindings(screen: string, findings: AxeFinding[]): string[] {
  return findings.flatMap((f) => f.nodes.map((n) => `${screen}: ${f.id} (${f.impact ?? 'n/a'}) at ${n.target}: ${f.help}. ${n.summary}`));
}
