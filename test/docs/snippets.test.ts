/**
 * Every ```ts block in the README files and guides is type-checked against
 * the packages' sources, so documentation cannot drift from the API.
 *
 * A block must compile on its own. Two HTML comments on the line before a
 * block adjust that, invisibly to readers:
 * - `<!-- snippet-context: declare const room: Room; -->` prepends context
 *   (free variables the prose introduced);
 * - `<!-- snippet: skip <reason> -->` skips the block (the reason is printed).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = join(root, 'test-results', 'snippets');

interface Snippet {
  /** `docs/guide.md#2` */
  id: string;
  code: string;
  skip: string | undefined;
}

function markdownFiles(): string[] {
  const files = ['README.md'];
  for (const pkg of readdirSync(join(root, 'packages'))) files.push(join('packages', pkg, 'README.md'));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['api', 'node_modules', 'dist'].includes(entry.name)) walk(path);
      } else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk('docs');
  walk('examples');
  return files.filter((file) => {
    try {
      readFileSync(join(root, file));
      return true;
    } catch {
      return false;
    }
  });
}

function snippetsOf(file: string): Snippet[] {
  const text = readFileSync(join(root, file), 'utf8');
  const snippets: Snippet[] = [];
  const block = /(?:<!--\s*snippet(-context)?:\s*([\s\S]*?)-->\s*\n)?```(?:ts|typescript)\n([\s\S]*?)```/g;
  for (const match of text.matchAll(block)) {
    const [, isContext, directive, code] = match;
    const context = isContext !== undefined ? (directive ?? '') : '';
    const skip =
      isContext === undefined && directive?.trim().startsWith('skip')
        ? directive.trim().slice(4).trim() || 'no reason given'
        : undefined;
    snippets.push({ id: `${file}#${snippets.length + 1}`, code: `${context}\n${code}\nexport {};\n`, skip });
  }
  return snippets;
}

const snippets = markdownFiles().flatMap(snippetsOf);
const diagnostics = new Map<string, string[]>();

beforeAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  // ESM, so snippets may use top-level await as the guides do.
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  const fileOf = new Map<string, string>();
  snippets.forEach((snippet, index) => {
    if (snippet.skip !== undefined) return;
    const file = join(outDir, `snippet-${index}.ts`);
    writeFileSync(file, snippet.code);
    fileOf.set(file, snippet.id);
  });
  const configPath = join(root, 'tsconfig.tests.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile).config as object;
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
  const program = ts.createProgram([...fileOf.keys()], { ...parsed.options, noEmit: true });
  for (const [file, id] of fileOf) {
    const source = program.getSourceFile(file);
    const found = source === undefined ? [] : ts.getPreEmitDiagnostics(program, source);
    diagnostics.set(
      id,
      found.map((d) => {
        const where =
          d.file !== undefined && d.start !== undefined
            ? `line ${d.file.getLineAndCharacterOfPosition(d.start).line}: `
            : '';
        return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
  }
}, 120_000);

describe('code snippets in the docs compile against the sources', () => {
  it('finds the snippets', () => {
    expect(snippets.length).toBeGreaterThan(5);
  });
  for (const snippet of snippets) {
    if (snippet.skip !== undefined) {
      it.skip(`${snippet.id} (skipped: ${snippet.skip})`, () => undefined);
      console.log(`snippet ${snippet.id} skipped: ${snippet.skip}`);
      continue;
    }
    it(snippet.id, () => {
      expect(diagnostics.get(snippet.id), `${relative(root, outDir)}: ${snippet.id}`).toEqual([]);
    });
  }
});
