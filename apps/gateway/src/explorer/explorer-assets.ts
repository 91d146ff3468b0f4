import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

/**
 * The page's policy: only its own scripts, styles and images, only its own origin to call (the
 * REST API it is served next to), no inline code, no plugins, no framing, no form posts, no
 * <base>. The build (apps/explorer/vite.config.mts) emits no inline script, style or data: URI.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of every explorer file, besides its type and caching. */
export const EXPLORER_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': EXPLORER_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ExplorerAsset {
  body: Buffer;
  contentType: string;
  cacheControl: string;
  etag: string;
}

/**
 * The built explorer (dist/explorer, written by `npm run build`), read once at start into memory:
 * a few small files. Only files found there are served, by their exact relative path, so no
 * request can reach anything else on disk. Vite names assets by content hash, so those are
 * cached for good; index.html is revalidated on every load.
 */
export class ExplorerAssets {
  private constructor(
    private readonly files: ReadonlyMap<string, ExplorerAsset>,
    readonly directory: string | undefined,
  ) {}

  /** From `directory`, or the build output next to this code (dist/ when compiled, <repo>/dist/ from source). */
  static load(directory = findBuild()): ExplorerAssets {
    const files = new Map<string, ExplorerAsset>();
    if (directory && existsSync(join(directory, 'index.html'))) {
      for (const path of listFiles(directory)) {
        const contentType = CONTENT_TYPES[extname(path).toLowerCase()];
        if (!contentType) continue; // nothing the page needs
        const body = readFileSync(join(directory, path));
        files.set(path, {
          body,
          contentType,
          cacheControl: path === 'index.html' ? 'no-cache' : path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        });
      }
    }
    return new ExplorerAssets(files, files.size > 0 ? directory : undefined);
  }

  get built(): boolean {
    return this.files.has('index.html');
  }

  /** A file by its path under the build (`index.html`, `assets/index-abc.js`). */
  get(path: string): ExplorerAsset | undefined {
    return this.files.get(path);
  }
}

function findBuild(): string | undefined {
  // Compiled: dist/apps/gateway/src/explorer → dist/explorer. From source: apps/gateway/src/explorer → dist/explorer.
  const root = join(__dirname, '..', '..', '..', '..');
  return [join(root, 'explorer'), join(root, 'dist', 'explorer')].find((dir) => existsSync(join(dir, 'index.html')));
}

function listFiles(directory: string, prefix = ''): string[] {
  return readdirSync(join(directory, prefix)).flatMap((name) => {
    const path = prefix ? `${prefix}/${name}` : name;
    return statSync(join(directory, path)).isDirectory() ? listFiles(directory, path) : [path];
  });
}
