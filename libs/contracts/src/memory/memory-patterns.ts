/** Upstream's input patterns (§5) and their messages, shared by writes and read filters. */
export { ID_PATTERN, ID_PATTERN_MESSAGE } from '../ids';
export const TYPE_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;
export const TYPE_PATTERN_MESSAGE = 'invalid type format: must be alphanumeric with underscores, max 64 chars';
export const TAG_PATTERN = /^[a-zA-Z0-9_.\-]{1,64}$/;
export const TAG_PATTERN_MESSAGE = 'invalid tag format: must be alphanumeric with underscores/hyphens/dots, max 64 chars';
