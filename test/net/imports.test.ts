/** Start-up cost and layering: src/net never loads undici eagerly and never touches OpenPGP. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const NET = resolve(import.meta.dirname, '../../src/net');
const files = readdirSync(NET).filter((f) => f.endsWith('.ts'));

describe('src/net imports', () => {
  it.each(files)('%s: undici only as types or lazily; no openpgp; no node:http', (f) => {
    const src = readFileSync(join(NET, f), 'utf8');
    const staticImports = [...src.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
    expect(staticImports).not.toContain('undici');
    expect(src).not.toMatch(/openpgp/);
    expect(staticImports).not.toContain('node:http');
    expect(staticImports).not.toContain('node:https');
  });

  it('the default dispatcher loads undici with a dynamic import', () => {
    expect(readFileSync(join(NET, 'dispatcher.ts'), 'utf8')).toMatch(/await import\('undici'\)/);
  });
});
