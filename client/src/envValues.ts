// The values of the `${VAR}` a workspace's session.save_path reads at run time, for Test connection
// and the PHP Sessions view: the editor's environment first, then the `.env` files beside the
// configuration (up to the workspace folder), then a value the user gave once (kept in VS Code's
// secret storage, per workspace folder: it usually holds a password).
import * as vscode from 'vscode';
import { parseDotEnv } from '../../server/src/core/index.ts';

/** The variables a connection needs and nobody gave a value for. */
export class MissingVariablesError extends Error {
  override name = 'MissingVariablesError';
  constructor(readonly names: string[]) {
    super(
      names.length === 1
        ? vscode.l10n.t('{0} is only known where PHP runs: set its value for this view.', names[0])
        : vscode.l10n.t('{0} are only known where PHP runs: set their values for this view.', names.join(', ')),
    );
  }
}

/** `.env` files nearest first; within a folder, `.env.local` wins over `.env` (symfony/dotenv, Laravel's loaders read .env). */
const DOTENV_FILES = ['.env.local', '.env'];

export class EnvValues {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(name: string, file: vscode.Uri | undefined): string {
    const folder = file ? vscode.workspace.getWorkspaceFolder(file)?.uri.toString() : undefined;
    return `phpRedisSessions.env.${folder ?? 'global'}.${name}`;
  }

  /** The value of `name` for the configuration `file`, or undefined when nothing gives one. */
  async get(name: string, file: vscode.Uri | undefined): Promise<string | undefined> {
    const fromEnv = process.env[name];
    if (fromEnv !== undefined) return fromEnv;
    if (file) {
      const fromFile = await this.fromDotEnv(name, file);
      if (fromFile !== undefined) return fromFile;
    }
    return this.secrets.get(this.key(name, file));
  }

  /** Keeps a value the user gave (undefined forgets it). */
  async set(name: string, file: vscode.Uri | undefined, value: string | undefined): Promise<void> {
    if (value === undefined) await this.secrets.delete(this.key(name, file));
    else await this.secrets.store(this.key(name, file), value);
  }

  /** Looks in `.env.local` / `.env` of the file's folder, then of each folder above it inside the workspace folder. */
  private async fromDotEnv(name: string, file: vscode.Uri): Promise<string | undefined> {
    const root = vscode.workspace.getWorkspaceFolder(file)?.uri;
    if (!root) return undefined;
    let dir = vscode.Uri.joinPath(file, '..');
    for (let depth = 0; depth < 20; depth++) {
      for (const f of DOTENV_FILES) {
        try {
          const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, f)));
          const value = parseDotEnv(text).get(name);
          if (value !== undefined) return value;
        } catch {
          // no such file here
        }
      }
      if (dir.toString() === root.toString() || !dir.path.startsWith(root.path)) return undefined;
      dir = vscode.Uri.joinPath(dir, '..');
    }
    return undefined;
  }
}
