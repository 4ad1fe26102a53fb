// Which key layout a connection's sessions follow: phpredis's own (`PHPREDIS_SESSION:<id>`), or a
// framework's (Laravel's cache store prefix + 40-character ids, Symfony's `sf_s<id>`). Named by the
// user (`--framework`, a connection's setting, a project's files), else read from the keys when no
// prefix was given: a server with no phpredis session but a framework's keys shows those.
import { hasDefaultPrefix, type ConnectionTarget } from './connectionTarget.ts';
import { SYMFONY_DEFAULT_PREFIX, type SessionFramework } from './frameworkKeys.ts';
import type { LayoutSample, SampleOptions } from './redis/layoutSample.ts';

/** What the user said: a framework, `none` (phpredis's layout, no detection), or nothing. */
export type FrameworkChoice = SessionFramework | 'none' | undefined;

export interface ChosenLayout {
  target: ConnectionTarget;
  /** The layout was read from the keys (say so: the user did not ask for it). */
  detected?: boolean;
  /** A framework was named, no prefix given, and no key of its layout was found. */
  notFound?: { keys: number };
}

export const FRAMEWORK_LABELS: Record<SessionFramework, string> = { laravel: 'Laravel', symfony: 'Symfony' };

/**
 * The target with its layout. `sample` looks at the server's key names (bounded); it is called
 * only when the choice depends on them.
 */
export async function chooseLayout(
  target: ConnectionTarget,
  choice: { framework?: FrameworkChoice; prefixGiven?: boolean },
  sample: (options: SampleOptions) => Promise<LayoutSample>,
): Promise<ChosenLayout> {
  const { framework } = choice;
  if (framework === 'none' || target.framework) return { target };
  // A prefix the user gave (or a save_path's own): the sessions are there, whatever the framework.
  const explicit = !!choice.prefixGiven || !hasDefaultPrefix(target);
  if (framework === 'symfony')
    return { target: { ...target, framework, ...(explicit ? {} : { prefix: SYMFONY_DEFAULT_PREFIX }) } };
  if (framework === 'laravel') {
    if (explicit) return { target: { ...target, framework } };
    const s = await sample({ only: 'laravel' });
    return s.framework
      ? { target: { ...target, framework, prefix: s.framework.prefix }, detected: true }
      : { target: { ...target, framework }, notFound: { keys: s.keys } };
  }
  if (explicit) {
    // Under the given prefix, keys of a framework's layout with exactly that prefix make it that framework's.
    const s = await sample({ within: target.prefix });
    return s.framework && s.framework.prefix === target.prefix
      ? { target: { ...target, framework: s.framework.framework }, detected: true }
      : { target };
  }
  const s = await sample({ stopAtPrefix: true });
  if (s.underPrefix > 0 || !s.framework) return { target };
  return { target: { ...target, ...s.framework }, detected: true };
}
