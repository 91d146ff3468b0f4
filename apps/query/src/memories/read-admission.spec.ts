import { AppError } from '@memtrace/contracts';
import { ReadAdmission } from './read-admission';

/** A read that stays in flight until the test lets it finish. */
function heldRead() {
  let release!: () => void;
  const done = new Promise<string>((resolve) => (release = () => resolve('read')));
  return { read: () => done, release };
}

describe('ReadAdmission', () => {
  it('sheds an org past its bound at once, without touching other orgs, and admits again once a read ends', async () => {
    const shed: string[] = [];
    const admission = new ReadAdmission(2, (org) => shed.push(org));
    const a = heldRead();
    const b = heldRead();
    const first = admission.run('org_a', a.read);
    const second = admission.run('org_a', b.read);

    const refused = await admission.run('org_a', async () => 'never').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'store_busy', status: 503 });
    expect(shed).toEqual(['org_a']);
    await expect(admission.run('org_b', async () => 'other org')).resolves.toBe('other org');

    a.release();
    await expect(first).resolves.toBe('read');
    await expect(admission.run('org_a', async () => 'admitted')).resolves.toBe('admitted');
    b.release();
    await second;
  });

  it('frees the slot of a read that fails', async () => {
    const admission = new ReadAdmission(1);
    await expect(admission.run('org_a', async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    await expect(admission.run('org_a', async () => 'ok')).resolves.toBe('ok');
  });
});
