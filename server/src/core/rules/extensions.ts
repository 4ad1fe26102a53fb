// The extensions a configuration needs must be in composer.json's `require`: the PaaS
// buildpacks install extensions from `require` only (not require-dev, not config.platform).
import type { Node } from 'jsonc-parser';
import { objectAt, propertyOf } from '../composer.ts';
import { effective, handlerName } from '../config.ts';
import { intendedHandler } from './handler.ts';
import { addRequire, removeChild } from '../jsonEdits.ts';
import { finding, fix, lineSpan, type Rule, type RuleContext } from '../ruleContext.ts';
import type { Span } from '../span.ts';
import type { Fix } from '../types.ts';

const end = (n: Node): number => n.offset + n.length;

function addFix(ctx: RuleContext, ext: string, constraint = '*'): Fix[] {
  const root = ctx.composer?.root;
  // On a document that is not strict JSON the tree is a recovery guess: no structural edit.
  if (ctx.composer?.errors.length) return [];
  const edit = root ? addRequire(ctx.text, root, ext, constraint) : undefined;
  return edit ? [fix(`Add "${ext}": "${constraint}" to require`, [edit])] : [];
}

function requireExtension(
  ctx: RuleContext,
  ext: string,
  /** Where a missing extension is reported (computed only then). */
  where: () => Span,
  why: string,
  devRule: boolean,
): void {
  // The common case (the extension is required) reads no syntax tree.
  if (!ctx.composer || ctx.composer.requireEntry(ext)) return;
  const root = ctx.composer.root;
  if (!root) return;
  const dev = objectAt(root, ['require-dev']);
  const inDev = propertyOf(dev, ext);
  if (devRule && inDev && dev) {
    const key = inDev.prop.children?.[0] ?? inDev.prop;
    const constraint = typeof inDev.prop.children?.[1]?.value === 'string' ? String(inDev.prop.children[1].value) : '*';
    const add = addFix(ctx, ext, constraint)[0];
    ctx.report(
      finding(
        'ext-redis-dev-only',
        { start: key.offset, end: end(key) },
        `${ext} is only in require-dev: production installs skip require-dev, so PHP runs without the extension.`,
        add ? [fix(`Move ${ext} to require`, [removeChild(dev, inDev.index), ...add.edits])] : [],
      ),
    );
    return;
  }
  const platform = propertyOf(objectAt(root, ['config', 'platform']), ext);
  if (devRule && platform && platform.prop.children?.[1]?.value !== false) {
    const key = platform.prop.children?.[0] ?? platform.prop;
    ctx.report(
      finding(
        'ext-redis-platform-only',
        { start: key.offset, end: end(key) },
        `config.platform.${ext} only pretends the extension exists for dependency resolution; nothing installs it. Require it too.`,
        addFix(ctx, ext),
      ),
    );
    return;
  }
  ctx.report(finding(devRule ? 'missing-ext-redis' : 'missing-serializer-extension', where(), why, addFix(ctx, ext)));
}

export const extensionRules: Rule = (ctx) => {
  if (ctx.kind !== 'composer' || !ctx.composer?.rootIsObject) return;
  const handlerOcc = effective(ctx.config, 'session.save_handler');
  const written = handlerName(handlerOcc);
  // A misspelled handler (`reddis`) is reported on its own; what it was meant to be still needs phpredis.
  const handler = intendedHandler(ctx.config);
  if (handlerOcc?.value && (handler === 'redis' || handler === 'rediscluster')) {
    const what =
      written === handler ? `session.save_handler = ${handler}` : `session.save_handler (meant to be ${handler})`;
    requireExtension(
      ctx,
      'ext-redis',
      () => lineSpan(handlerOcc.line, handlerOcc.value!.span),
      `${what} needs the phpredis extension: add "ext-redis" to require (Heroku installs extensions only from require; Scalingo's guide requires it).`,
      true,
    );
  }
  const serOcc = effective(ctx.config, 'session.serialize_handler');
  const ser = handlerName(serOcc);
  if (serOcc?.value && (ser === 'igbinary' || ser === 'msgpack')) {
    requireExtension(
      ctx,
      `ext-${ser}`,
      () => lineSpan(serOcc.line, serOcc.value!.span),
      `session.serialize_handler = ${ser} needs the ${ser} extension: add "ext-${ser}" to require ("Cannot find session serialization handler" otherwise).`,
      false,
    );
  }
};
