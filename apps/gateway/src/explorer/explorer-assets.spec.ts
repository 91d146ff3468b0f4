import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPLORER_CSP, ExplorerAssets } from './explorer-assets';

describe('ExplorerAssets', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'explorer-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'index-abc.css'), 'body{}');
    writeFileSync(join(dir, 'assets', 'notes.exe'), 'MZ');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the build by exact relative path, with its type, caching and a content etag', () => {
    const assets = ExplorerAssets.load(dir);
    expect(assets.built).toBe(true);
    expect(assets.get('index.html')).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect(assets.get('assets/index-abc.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', cacheControl: 'public, max-age=31536000, immutable' });
    expect(assets.get('assets/index-abc.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.get('favicon.svg')).toMatchObject({ contentType: 'image/svg+xml', cacheControl: 'public, max-age=3600' });
    expect(assets.get('index.html')?.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(assets.get('index.html')?.etag).not.toBe(assets.get('favicon.svg')?.etag);
  });

  it('serves nothing else: unknown types, other paths, traversal', () => {
    const assets = ExplorerAssets.load(dir);
    for (const path of ['assets/notes.exe', '../index.html', 'assets/../index.html', '/index.html', 'assets', 'nope.js', '__proto__', 'constructor']) {
      expect(assets.get(path)).toBeUndefined();
    }
  });

  it('is empty, not failing, when the explorer was not built; finds the build next to the code', () => {
    expect(ExplorerAssets.load().directory).toMatch(/dist\/explorer$/);
    expect(ExplorerAssets.load(join(dir, 'missing')).built).toBe(false);
  });

  it('allows only the page itself: no inline code, no other origin, no framing, no form posts', () => {
    expect(EXPLORER_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(EXPLORER_CSP).not.toMatch(/unsafe|\*|data:|https?:/);
  });
});
