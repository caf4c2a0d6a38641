import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import {
  byteLength,
  cutBytes,
  escapeHtml,
  markdownCode,
  markdownText,
  markdownUrl,
  shorten,
  visible,
  visibleLines,
} from '../../src/escape.ts';
import { capMessage, MESSAGE_LIMIT, problem, QUOTE_LIMIT, quoted, quotedList } from '../../src/package/problem.ts';

/** GitHub-flavoured Markdown to HTML with raw HTML let through, as GitHub reads it before sanitizing. */
const render = (md: string): string => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '![x](https://evil.test/a.png)',
  '[click](javascript:alert(1))',
  '`</code><img src=x onerror=alert(1)>`',
  'a\\|<img src=x onerror=alert(1)>',
  '&lt;img src=x onerror=alert(1)&gt;',
  '<a href="https://evil.test">x</a>',
  'see https://evil.test/x, www.evil.test or mail@evil.test',
  '**bold** _em_ ~~del~~ $x^2$',
  '\' " & < >',
];

describe('visible: control and bidi characters for a terminal', () => {
  it('shows C0, DEL and C1 controls as \\xNN, tab/newline/CR short, and bidi controls as U+XXXX', () => {
    expect(visible('a\u001b[31mb\u0007c\u0000d\u007f\u009b')).toBe('a\\x1b[31mb\\x07c\\x00d\\x7f\\x9b');
    expect(visible('a\tb\nc\rd')).toBe('a\\tb\\nc\\rd');
    expect(visible('x\u202Ey\u2066z\u2069\u200E\u200F\u061C\u2028')).toBe('xU+202EyU+2066zU+2069U+200EU+200FU+061CU+2028');
    for (let c = 0x202a; c <= 0x202e; c++) expect(visible(String.fromCharCode(c))).toBe(`U+${c.toString(16).toUpperCase()}`);
  });

  it('keeps every other character, and leaves line breaks to visibleLines', () => {
    expect(visible('Ünïcode — 日本 🎉 \\x1b')).toBe('Ünïcode — 日本 🎉 \\x1b');
    expect(visibleLines('one\u001b\ntwo\u202E')).toBe('one\\x1b\ntwoU+202E');
  });
});

describe('shorten and quoted: bounded values for messages', () => {
  it('cuts long values to the limit plus "…", on whole characters and whole escapes', () => {
    expect(shorten('a'.repeat(200), 10)).toBe('aaaaaaaaaa…');
    expect(shorten('abc', 10)).toBe('abc');
    expect(shorten('😀'.repeat(10), 5)).toBe('😀😀…'); // never half a surrogate pair
    expect(shorten('ab\u001bcdef', 5)).toBe('ab…'); // "\x1b" does not fit whole: cut before it
    expect(shorten('a'.repeat(10), 10)).toBe('a'.repeat(10));
    expect(shorten('a'.repeat(11), 10)).toBe(`${'a'.repeat(10)}…`);
  });

  it('quotes strings JSON-style, cut to QUOTE_LIMIT however long the input', () => {
    expect(quoted('12,5')).toBe('"12,5"');
    expect(quoted('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"');
    expect(quoted('a\u001bb\u202Ec\nd')).toBe('"a\\x1bbU+202Ec\\nd"');
    const huge = quoted('x'.repeat(2_000_000));
    expect(huge).toBe(`"${'x'.repeat(QUOTE_LIMIT)}…"`);
    expect(quoted('\u0000'.repeat(10_000)).length).toBeLessThanOrEqual(QUOTE_LIMIT + 3);
    expect(quoted(5)).toBe('5');
    expect(quoted({ a: 'b'.repeat(500) }).length).toBeLessThanOrEqual(QUOTE_LIMIT + 1);
  });

  it('lists at most ten values, then says how many there are', () => {
    expect(quotedList([])).toBe('(none)');
    expect(quotedList(['a', 'b'])).toBe('"a", "b"');
    const many = quotedList(Array.from({ length: 5000 }, (_, i) => `v${i}`));
    expect(many).toBe(`${Array.from({ length: 10 }, (_, i) => `"v${i}"`).join(', ')}, … (5000 values)`);
  });

  it('problem() caps any message at MESSAGE_LIMIT characters', () => {
    const p = problem('type-error', `x ${'y'.repeat(100_000)} z`);
    expect(p.message.length).toBe(MESSAGE_LIMIT);
    expect(p.message.endsWith('…')).toBe(true);
    expect(capMessage('short')).toBe('short');
    expect(capMessage('😀'.repeat(MESSAGE_LIMIT)).length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(capMessage('😀'.repeat(MESSAGE_LIMIT))).not.toMatch(/[\ud800-\udbff]…$/);
  });
});

describe('HTML and Markdown', () => {
  it('escapeHtml turns & < > " \' into entities', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('markdownText builds no HTML element, link, image or emphasis, in a paragraph or a table cell', () => {
    for (const text of HOSTILE) {
      const paragraph = render(markdownText(text));
      const table = render(`| a | b |\n| --- | --- |\n| ${markdownText(text)} | ${markdownCode(text)} |\n`);
      for (const html of [paragraph, table]) {
        expect(html, text).not.toMatch(/<(img|script|a|strong|em|del|code><img)\b/);
      }
      // the table keeps its two cells: no pipe from the text split one
      expect(table.match(/<td>/g), text).toHaveLength(2);
    }
  });

  it('markdownText shows the text as written once rendered', () => {
    const html = render(markdownText('<img src=x onerror=alert(1)> & [a](b) *c* a|b'));
    expect(html).toBe('<p>&lt;img src=x onerror=alert(1)&gt; &amp; [a](b) *c* a|b</p>');
    expect(render(markdownText('line\nbreak\u001b'))).toBe('<p>line break\\x1b</p>');
  });

  it('markdownCode shows code-styled text, backticks and pipes included', () => {
    const html = render(`| x |\n| --- |\n| ${markdownCode('a`b|c<d>')} |\n`);
    expect(html).toContain('<td><code>a`b|c&lt;d&gt;</code></td>');
  });

  it('markdownUrl links plain http(s) URLs and escapes anything else', () => {
    expect(render(markdownUrl('https://example.test/datasets/a/b/datapackage.json'))).toBe(
      '<p><a href="https://example.test/datasets/a/b/datapackage.json">https://example.test/datasets/a/b/datapackage.json</a></p>',
    );
    expect(render(markdownUrl('javascript:alert(1)'))).not.toContain('<a');
    expect(render(markdownUrl('https://x.test/"><img src=x>'))).not.toContain('<img');
  });
});

describe('cutBytes', () => {
  it('cuts to a UTF-8 byte size on whole characters, marker included', () => {
    expect(cutBytes('abc', 10)).toBe('abc');
    const cut = cutBytes('é'.repeat(100), 11);
    expect(byteLength(cut)).toBeLessThanOrEqual(11);
    expect(cut).toBe(`${'é'.repeat(4)}…`);
    expect(byteLength(cutBytes('x'.repeat(100_000), 65_535, '\n… (truncated)'))).toBeLessThanOrEqual(65_535);
  });
});
