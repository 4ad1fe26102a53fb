// The session settings of a document that the health report compares the keyspace with:
// session.gc_maxlifetime, redis.session.lock_expire and session.serialize_handler, as PHP reads
// them (literal values only: a ${VAR} is unknown here).
import { effective } from './config.ts';
import type { ParsedDocument } from './document.ts';
import { phpIniValue } from './ini.ts';

export interface SessionSettings {
  gcMaxlifetime?: number;
  lockExpire?: number;
  serializer?: string;
}

function literal(doc: ParsedDocument, name: string): string | undefined {
  const occ = effective(doc.config, name);
  if (!occ?.value || occ.value.env.length) return undefined;
  return phpIniValue(occ.value).trim();
}

/** The literal session settings a document sets (absent ones are PHP's defaults). */
export function sessionSettingsOf(doc: ParsedDocument): SessionSettings {
  const out: SessionSettings = {};
  const gc = Number(literal(doc, 'session.gc_maxlifetime'));
  if (Number.isInteger(gc) && gc > 0) out.gcMaxlifetime = gc;
  const lock = Number(literal(doc, 'redis.session.lock_expire'));
  if (Number.isInteger(lock) && lock > 0) out.lockExpire = lock;
  const serializer = literal(doc, 'session.serialize_handler');
  if (serializer) out.serializer = serializer;
  return out;
}
