// The framework rules as one lint rule: a .env file, a Laravel config file or a Symfony config file
// is judged with the project around it (composer.json, the other config files, the deployment).
import type { Rule } from '../ruleContext.ts';
import { finding } from '../ruleContext.ts';
import type { ProjectInput } from '../types.ts';
import { parseDotenv } from './dotenv.ts';
import { laravelAppOf } from './laravel.ts';
import { lintLaravel } from './laravelRules.ts';
import { symfonyAppOf } from './symfony.ts';
import { lintSymfony } from './symfonyRules.ts';

/** The project a document is linted in when the caller gives none: the document alone. */
const DEFAULT_PATH = {
  dotenv: '.env',
  'laravel-config': 'config/session.php',
  'symfony-config': 'config/packages/framework.yaml',
};

export const frameworkRules: Rule = (ctx) => {
  if (ctx.kind !== 'dotenv' && ctx.kind !== 'laravel-config' && ctx.kind !== 'symfony-config') return;
  const given = ctx.project;
  const path = given?.path ?? DEFAULT_PATH[ctx.kind];
  // The document's own (possibly unsaved) text is the one that counts.
  const project: ProjectInput = { path, files: new Map(given?.files ?? []).set(path, ctx.text) };
  const symfony = ctx.kind === 'laravel-config' ? undefined : symfonyAppOf(project);
  const laravel =
    ctx.kind === 'symfony-config' || (symfony && ctx.kind === 'dotenv') ? undefined : laravelAppOf(project);
  if (ctx.kind === 'dotenv') {
    const env = parseDotenv(ctx.text);
    // phpdotenv's verdict matters where Laravel reads the file (Symfony's Dotenv has its own grammar).
    if (env.error && !symfony)
      ctx.report(finding('dotenv-syntax', { start: env.error.start, end: env.error.end }, env.error.message));
    if (laravel) lintLaravel({ app: laravel, project, kind: 'dotenv', path, text: ctx.text, env, report: ctx.report });
    if (symfony) lintSymfony({ app: symfony, project, kind: 'dotenv', path, text: ctx.text, report: ctx.report });
    return;
  }
  if (ctx.kind === 'laravel-config' && laravel) {
    const envText = project.files.get('.env');
    lintLaravel({
      app: laravel,
      project,
      kind: 'laravel-config',
      path,
      text: ctx.text,
      ...(envText !== undefined ? { env: parseDotenv(envText) } : {}),
      report: ctx.report,
    });
  }
  if (ctx.kind === 'symfony-config' && symfony)
    lintSymfony({ app: symfony, project, kind: 'symfony-config', path, text: ctx.text, report: ctx.report });
};
