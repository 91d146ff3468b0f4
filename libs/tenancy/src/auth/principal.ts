import { Scope } from '../keys/scopes';

/** Who is calling: resolved from the API key, never from anything else in the request. */
export interface Principal {
  keyId: number;
  keyName: string;
  orgId: string;
  scopes: Scope[];
}
