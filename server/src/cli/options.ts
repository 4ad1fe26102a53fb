// The options several commands share (--serializer, --compression, --framework), checked against
// the names the core knows.
import type { SessionCompression } from '../sessions/compression.ts';
import { SESSION_FRAMEWORKS } from '../sessions/frameworkKeys.ts';
import { SESSION_SERIALIZERS, type SessionSerializer } from '../sessions/sessionFormats.ts';
import type { FrameworkChoice } from '../sessions/sessionLayout.ts';
import { UsageError } from './io.ts';

const COMPRESSIONS: readonly SessionCompression[] = ['none', 'lzf', 'zstd', 'lz4'];

export function serializerOption(value: string | undefined): SessionSerializer | undefined {
  if (value === undefined) return undefined;
  if (!(SESSION_SERIALIZERS as readonly string[]).includes(value))
    throw new UsageError(`unknown --serializer "${value}" (${SESSION_SERIALIZERS.join(', ')})`);
  return value as SessionSerializer;
}

export function frameworkOption(value: string | undefined): FrameworkChoice {
  if (value === undefined) return undefined;
  if (value !== 'none' && !(SESSION_FRAMEWORKS as readonly string[]).includes(value))
    throw new UsageError(`unknown --framework "${value}" (${SESSION_FRAMEWORKS.join(', ')} or none)`);
  return value as FrameworkChoice;
}

export function compressionOption(value: string | undefined): SessionCompression | undefined {
  if (value === undefined) return undefined;
  if (!(COMPRESSIONS as readonly string[]).includes(value))
    throw new UsageError(`unknown --compression "${value}" (${COMPRESSIONS.join(', ')})`);
  return value as SessionCompression;
}
