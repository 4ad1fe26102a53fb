// What a stored session looks like from its first bytes: serializer and compression envelope.
import { detectCompression } from './compression.ts';
import { detectSessionSerializer, type SessionSerializer } from './sessionFormats.ts';

export interface SessionShape {
  serializer: SessionSerializer | null;
  compression: 'zstd' | 'lz4' | null;
}

/** Enough bytes to see a compression header, a php `name|` prefix or an igbinary header. */
export const SHAPE_BYTES = 256;

export function shapeOf(head: Uint8Array): SessionShape {
  const compression = detectCompression(head);
  return { compression, serializer: compression ? null : detectSessionSerializer(head) };
}
