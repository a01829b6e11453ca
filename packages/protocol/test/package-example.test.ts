import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** The ```ts block of the package documentation, with its `// expected output` lines. */
function packageExample(): { code: string; expected: string[] } {
  const source = readFileSync(entry, 'utf8');
  const doc = source.slice(0, source.indexOf('@packageDocumentation'));
  const block = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
  if (block === undefined) throw new Error('no example in the package documentation');
  const lines = block.split('\n').map((line) => line.replace(/^ \* ?/, ''));
  const expected = lines.filter((line) => line.startsWith('// ')).map((line) => line.slice(3));
  return { code: lines.join('\n'), expected };
}

describe('package documentation example', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs and prints what it says it prints', async () => {
    const { code, expected } = packageExample();
    const file = join(mkdtempSync(join(tmpdir(), 'handoff-example-')), 'example.ts');
    writeFileSync(file, code.replace(`'@handoff/protocol'`, JSON.stringify(entry)));
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
    await import(/* @vite-ignore */ file);
    expect(expected.length).toBeGreaterThan(0);
    expect(printed).toHaveLength(expected.length);
    printed.forEach((line, i) => {
      // The comment abbreviates long numbers with "...": compare the part before it.
      const normalize = (text: string): string => text.replace(/[\s'"]/g, '');
      expect(normalize(line)).toContain(normalize(expected[i]!.split('...')[0]!));
    });
  });
});
