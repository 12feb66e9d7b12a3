import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Watchdog } from '../../src/net/watchdog.js';
import { MAX_REDIRECTS, isRedirect, requireHttps, resolveLocation } from '../../src/net/redirects.js';

describe('Watchdog (fake clock)', () => {
  let clock: number;
  let fired: Array<[string, number]>;
  let w: Watchdog;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
    fired = [];
    w = new Watchdog(
      1000,
      (k) => fired.push([k, clock]),
      () => clock,
    );
  });
  afterEach(() => {
    w.stop();
    vi.useRealTimers();
  });
  /** Advance 100 ms at a time, delivering `bytesPerStep` before each step. */
  function run(ms: number, bytesPerStep: number): void {
    for (let t = 0; t < ms; t += 100) {
      w.progress(bytesPerStep);
      clock += 100;
      vi.advanceTimersByTime(100);
    }
  }

  it('waiting for a response expires after timeoutMs, not before', () => {
    w.awaitResponse();
    clock += 999;
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    clock += 1;
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([['response', 1000]]);
  });

  it('a steady 1.1 KiB/s body is never cut off', () => {
    w.bodyStarted();
    run(10_000, 113);
    expect(fired).toEqual([]);
  });

  it('a 0.9 KiB/s trickle is cut off after one window', () => {
    w.bodyStarted();
    run(3000, 92);
    expect(fired).toHaveLength(1);
    expect(fired[0]?.[0]).toBe('slow');
    expect(fired[0]?.[1]).toBeGreaterThanOrEqual(1000);
    expect(fired[0]?.[1]).toBeLessThanOrEqual(1100);
  });

  it('a fast start does not buy a later stall more than one window', () => {
    w.bodyStarted();
    run(2000, 100_000); // fast
    run(3000, 0); // then nothing
    expect(fired).toHaveLength(1);
    expect(fired[0]?.[1]).toBeGreaterThanOrEqual(3000);
    expect(fired[0]?.[1]).toBeLessThanOrEqual(3100);
  });

  it('stop() disarms it', () => {
    w.bodyStarted();
    w.stop();
    run(5000, 0);
    expect(fired).toEqual([]);
  });
});

describe('redirect rules', () => {
  const here = new URL('https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz');
  it('knows the redirect statuses', () => {
    expect([301, 302, 303, 307, 308].every(isRedirect)).toBe(true);
    expect([200, 300, 304, 305, 306, 404].some(isRedirect)).toBe(false);
    expect(MAX_REDIRECTS).toBe(5);
  });
  it.each([
    ['/4.5.9/x', 'https://download.electrum.org/4.5.9/x'],
    ['x.asc', 'https://download.electrum.org/4.5.8/x.asc'],
    ['//electrum.org/a', 'https://electrum.org/a'],
    ['https://github.com/a#frag', 'https://github.com/a'],
    ['  https://electrum.org/b  ', 'https://electrum.org/b'],
  ])('resolves %j', (loc, abs) => {
    expect(resolveLocation(loc, here).href).toBe(abs);
  });
  it.each([[undefined], [''], [['a', 'b']], ['https://[bad']])('refuses Location %j', (loc) => {
    expect(() => resolveLocation(loc as string | undefined, here)).toThrow(
      expect.objectContaining({ code: 'NETWORK' }),
    );
  });
  it('https only', () => {
    expect(() => requireHttps(new URL('http://download.electrum.org/'), 0)).toThrow(
      expect.objectContaining({ code: 'SOURCE_INSECURE' }),
    );
    expect(() => requireHttps(new URL('http://download.electrum.org/'), 2)).toThrow(
      expect.objectContaining({ code: 'REDIRECT_OFF_ORIGIN' }),
    );
    expect(() => requireHttps(new URL('ftp://download.electrum.org/'), 1)).toThrow(
      expect.objectContaining({ code: 'REDIRECT_OFF_ORIGIN' }),
    );
    expect(() => requireHttps(new URL('https://download.electrum.org/'), 3)).not.toThrow();
  });
});
