// Tokenizes text with the real TextMate engine VS Code uses (vscode-textmate + oniguruma wasm).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const ROOT = join(__dirname, '..', '..');
const GRAMMARS: Record<string, string> = {
  'source.json': join(ROOT, 'test', 'fixtures', 'grammars', 'JSON.tmLanguage.json'),
  'php-config.injection': join(ROOT, 'syntaxes', 'php-config.injection.tmLanguage.json'),
  'source.php-serialized': join(ROOT, 'syntaxes', 'php-serialized.tmLanguage.json'),
};

let registry: vsctm.Registry | undefined;

async function getRegistry(): Promise<vsctm.Registry> {
  if (registry) return registry;
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s) => new oniguruma.OnigScanner(s),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      const path = GRAMMARS[scope];
      return path ? vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path) : null;
    },
    getInjections: (scope) => (scope === 'source.json' ? ['php-config.injection'] : undefined),
  });
  return registry;
}

export interface Token {
  text: string;
  scopes: string[];
}

export async function tokenize(scope: string, text: string): Promise<Token[]> {
  const grammar = await (await getRegistry()).loadGrammar(scope);
  if (!grammar) throw new Error(`no grammar ${scope}`);
  let stack = vsctm.INITIAL;
  const out: Token[] = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) out.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = r.ruleStack;
  }
  return out;
}

/** The innermost scopes of the token that covers `needle`. */
export function scopeOf(tokens: Token[], needle: string): string[] {
  const t = tokens.find((x) => x.text.includes(needle));
  if (!t) throw new Error(`no token for ${needle}: ${JSON.stringify(tokens.map((x) => x.text))}`);
  return t.scopes;
}
