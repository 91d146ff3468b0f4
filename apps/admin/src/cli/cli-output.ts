import { ApiKeyRow, OrganizationRow } from '@memtrace/catalog';

/** Where a command writes; injectable so tests can capture it without a subprocess. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

const pad = (value: string, width: number) => (value.length >= width ? `${value} ` : value.padEnd(width));

/** `YYYY-MM-DD HH:MM` in UTC, as upstream's key list prints it. */
export function shortTime(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

export function orgTable(orgs: OrganizationRow[]): string {
  const lines = [`${pad('ID', 32)}${pad('NAME', 30)}CREATED`];
  for (const org of orgs) lines.push(`${pad(org.id, 32)}${pad(org.name, 30)}${shortTime(org.createdAt)}`);
  return lines.join('\n');
}

export function keyEnabled(key: ApiKeyRow, now = new Date()): boolean {
  return !key.revokedAt && !(key.expiresAt && key.expiresAt <= now);
}

export function keyTable(keys: ApiKeyRow[]): string {
  const lines = [`${pad('ID', 8)}${pad('NAME', 30)}${pad('PERMS', 20)}${pad('ENABLED', 9)}CREATED`];
  for (const key of keys) {
    lines.push(`${pad(String(key.id), 8)}${pad(key.name, 30)}${pad(key.scopes.join(','), 20)}${pad(keyEnabled(key) ? 'yes' : 'no', 9)}${shortTime(key.createdAt)}`);
  }
  return lines.join('\n');
}
