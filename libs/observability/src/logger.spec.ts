import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('redacts credentials wherever they appear in a log line', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', name: 'test', destination });
    logger.info(
      {
        req: { headers: { 'x-api-key': 'mtk_secret1', authorization: 'Bearer mtk_secret2' } },
        binding: { token: 'arc-secret3', url: 'http://arc' },
        masterKey: 'master-secret4',
      },
      'hello',
    );
    const text = lines.join('');
    for (const secret of ['mtk_secret1', 'mtk_secret2', 'arc-secret3', 'master-secret4']) expect(text).not.toContain(secret);
    expect(text).toContain('http://arc');
    expect(JSON.parse(text)).toMatchObject({ level: 'info', service: 'test', msg: 'hello' });
  });
});
