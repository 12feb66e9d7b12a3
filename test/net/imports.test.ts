/** Start-up cost and layering: src/net never loads undici eagerly and never touches OpenPGP. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UNDICI_MODULES, loadEnvHttpProxyAgent } from '../../src/net/dispatcher.js';

const NET = resolve(import.meta.dirname, '../../src/net');
const files = readdirSync(NET).filter((f) => f.endsWith('.ts'));

describe('src/net imports', () => {
  it.each(files)('%s: undici only as types or lazily; no openpgp; no node:http', (f) => {
    const src = readFileSync(join(NET, f), 'utf8');
    const staticImports = [...src.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
    expect(staticImports.filter((m) => m?.startsWith('undici'))).toEqual([]);
    expect(src).not.toMatch(/openpgp/);
    expect(staticImports).not.toContain('node:http');
    expect(staticImports).not.toContain('node:https');
  });

  it('the default dispatcher loads undici with a dynamic import', () => {
    expect(readFileSync(join(NET, 'dispatcher.ts'), 'utf8')).toMatch(/await import\(specifier\)/);
  });

  it('undici is the pinned version whose internal module paths src/net/dispatcher.ts names', async () => {
    const pkg = JSON.parse(readFileSync(resolve(NET, '../../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const installed = JSON.parse(readFileSync(resolve(NET, '../../node_modules/undici/package.json'), 'utf8')) as {
      version: string;
      exports?: unknown;
    };
    expect(pkg.dependencies['undici']).toBe('7.30.2'); // exact, not a range
    expect(installed.version).toBe('7.30.2');
    expect(installed.exports).toBeUndefined(); // no exports map: the lib/ paths may be imported
  });

  it('the request API is put on the prototype once, and a later wrapper of it is left alone', async () => {
    await loadEnvHttpProxyAgent();
    const { Dispatcher } = await import('undici');
    const proto = Dispatcher.prototype as unknown as { request: unknown };
    const original = proto.request;
    const wrapper = function wrapped(): void {};
    proto.request = wrapper;
    try {
      await loadEnvHttpProxyAgent();
      expect(proto.request).toBe(wrapper);
    } finally {
      proto.request = original;
    }
  });

  it("the undici modules loaded are the ones undici's index uses, and leave Dispatcher as the index does", async () => {
    const EnvAgent = await loadEnvHttpProxyAgent();
    const undici = await import('undici');
    expect(EnvAgent).toBe(undici.EnvHttpProxyAgent);
    expect((await import(UNDICI_MODULES.dispatcher)).default).toBe(undici.Dispatcher);
    const api = (await import(UNDICI_MODULES.api)).default as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['connect', 'pipeline', 'request', 'stream', 'upgrade']);
    const proto = undici.Dispatcher.prototype as unknown as Record<string, unknown>;
    for (const [name, fn] of Object.entries(api)) expect(proto[name]).toBe(fn);
  });

  it("without undici's index, the loaded agent has the request API (request, and connect for proxies)", () => {
    // A child process: in this one, undici's index has already put the API on Dispatcher.prototype.
    const dispatcherTs = pathToFileURL(join(NET, 'dispatcher.ts')).href;
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const { loadEnvHttpProxyAgent } = await import(${JSON.stringify(dispatcherTs)});
      const before = typeof require('undici/lib/dispatcher/dispatcher.js').prototype.request;
      const agent = new (await loadEnvHttpProxyAgent())();
      const index = Object.keys(require.cache).some((k) => k.endsWith('/undici/index.js'));
      console.log(JSON.stringify({ index, before, request: typeof agent.request, connect: typeof agent.connect }));
      await agent.close();`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: resolve(NET, '../..'),
      timeout: 30_000,
    });
    expect(JSON.parse(out)).toEqual({ index: false, before: 'undefined', request: 'function', connect: 'function' });
  });
});
