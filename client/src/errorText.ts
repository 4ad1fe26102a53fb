// What a failure says to the user, in a notification, a tree node or an editor.
import { maskCredentials } from '../../server/src/core/index.ts';

/** The error's message; messages are built without secrets, and the masker is the last guard. */
export function errorText(err: unknown): string {
  return maskCredentials(err instanceof Error ? err.message : String(err));
}
