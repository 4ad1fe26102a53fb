// Where connections come from (settings, the workspace's own save_path, "Add connection…") and
// how they become Redis targets. Passwords live in SecretStorage, never in settings or state.
import * as vscode from 'vscode';
import {
  documentKind,
  EXCLUDED_GLOB,
  expandSavePath,
  hasCredentials,
  LINTED_GLOB,
  maskCredentials,
  parseDocument,
  sessionStoreOf,
  splitPassword,
  type DocumentKind,
  type SessionStore,
} from '../../server/src/core/index.ts';
import {
  parseConnectionTargets,
  shortTargetName,
  type ConnectionTarget,
  type SessionFramework,
} from '../../server/src/sessions/index.ts';
import { config } from './config.ts';
import { EnvValues, MissingVariablesError } from './envValues.ts';

export type ConnectionSource = 'settings' | 'workspace' | 'added';

export interface Connection {
  /** Stable id: the tree's and SecretStorage's key. */
  id: string;
  name: string;
  /** A redis:// URL or a save_path. For added connections the password is kept out of it. */
  address: string;
  prefix?: string;
  readOnly: boolean;
  source: ConnectionSource;
  /** The file a workspace connection was read from. */
  file?: vscode.Uri;
  /** A Laravel or Symfony project's session store: its key layout under `prefix`. */
  framework?: SessionFramework;
  /** The variable of the project's files that holds the password (never read: Set Password… gives it). */
  passwordVar?: string;
  /** The TTL the framework gives its sessions (seconds), when its files say: what the health report compares with. */
  lifetime?: number;
  /** Added connections whose whole address (with credentials) is in SecretStorage. */
  secretAddress?: boolean;
  /**
   * Workspace connections: the handler and save_path their file names, `${VAR}` references
   * included (Test connection tests what phpredis does with them).
   */
  sessionStore?: SessionStore;
}

/** What a connection's address says once its `${VAR}` are known (workspace connections may have some). */
export interface ResolvedAddress {
  address: string;
  /** Variables nobody gave a value for. */
  missing: string[];
}

interface StoredConnection {
  id: string;
  name: string;
  address: string;
  /** The real address is in SecretStorage; `address` is its masked form. */
  secretAddress?: boolean;
  prefix?: string;
  readOnly?: boolean;
}

const STATE_KEY = 'phpRedisSessions.connections';
const secretKey = (id: string): string => `phpRedisSessions.password.${id}`;
/** Where an address whose credentials cannot be split off (auth[]=user&auth[]=pass…) is kept whole. */
const secretAddressKey = (id: string): string => `phpRedisSessions.address.${id}`;

function uniqueId(id: string, seen: Set<string>): string {
  let unique = id;
  for (let n = 2; seen.has(unique); n++) unique = `${id}#${n}`;
  seen.add(unique);
  return unique;
}

export class ConnectionStore implements vscode.Disposable {
  /** `workspace`: only the workspace files' connections may differ; `all`: settings or added ones changed. */
  private readonly changed = new vscode.EventEmitter<'all' | 'workspace'>();
  readonly onDidChange = this.changed.event;
  private discovered: Connection[] = [];
  private discovering: Promise<void> | undefined;
  /** Workspace-named hosts the user agreed to reach in an untrusted workspace (this window only). */
  private readonly consented = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Values of the `${VAR}` workspace save_paths read. */
  readonly env: EnvValues;

  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.env = new EnvValues(context.secrets);
    // A saved composer.json / ini file may name another server (or none): the view follows.
    const watcher = vscode.workspace.createFileSystemWatcher(LINTED_GLOB);
    const onFile = (): void => this.scheduleRediscovery();
    // A deleted folder is reported as the folder alone: is a connection's file inside it?
    const deletions = vscode.workspace.createFileSystemWatcher('**', true, true, false);
    const onDelete = (uri: vscode.Uri): void => {
      const under = uri.toString().replace(/\/?$/, '/');
      if (this.discovered.some((c) => c.file && `${c.file.toString()}/`.startsWith(under))) this.scheduleRediscovery();
    };
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (config.affects(e)) this.changed.fire('all');
      }),
      watcher,
      watcher.onDidChange(onFile),
      watcher.onDidCreate(onFile),
      watcher.onDidDelete(onFile),
      deletions,
      deletions.onDidDelete(onDelete),
      // The editor's own events too: a file watcher can lag or miss events (a new folder, a busy
      // machine), a save or a delete done in VS Code is never missed.
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (documentKind(doc.uri.path)) onFile();
      }),
      vscode.workspace.onDidCreateFiles(onFile),
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach(onDelete)),
    );
  }

  /** Per-workspace view state (the sessions' order). */
  get workspaceState(): vscode.Memento {
    return this.context.workspaceState;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }

  /** After file changes settle: looks again, and tells the view only when the connections differ. */
  private scheduleRediscovery(): void {
    if (!this.discovering) return; // nothing listed yet: the first listing reads the files anyway
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      const before = JSON.stringify(this.discovered.map((c) => [c.id, c.address]));
      this.discovering = undefined;
      void this.discover().then(() => {
        if (JSON.stringify(this.discovered.map((c) => [c.id, c.address])) !== before) this.changed.fire('workspace');
      });
    }, 500);
  }

  /** Every connection: settings first, then added ones, then the workspace's (found on first call). */
  async all(): Promise<Connection[]> {
    const readOnly = config.readOnly;
    const seen = new Set<string>();
    const fromSettings = config.connections
      .filter((c) => c && typeof c.url === 'string' && c.url.trim())
      .map((c, i) => ({
        // Two entries with one name would give the view two items with one id (VS Code then fails the whole view).
        id: uniqueId(`settings:${c.name ?? i}`, seen),
        // Without a name: the host (and database) it names, never a password.
        name: c.name ?? defaultName(c.url!.trim()),
        address: c.url!.trim(),
        ...(c.prefix !== undefined ? { prefix: c.prefix } : {}),
        readOnly: c.readOnly ?? readOnly,
        source: 'settings' as const,
      }));
    const added = this.context.globalState.get<StoredConnection[]>(STATE_KEY, []).map((c) => ({
      ...c,
      readOnly: c.readOnly ?? readOnly,
      source: 'added' as const,
    }));
    await this.discover();
    return [...fromSettings, ...added, ...this.discovered.map((c) => ({ ...c, readOnly }))];
  }

  async get(id: string): Promise<Connection | undefined> {
    return (await this.all()).find((c) => c.id === id);
  }

  /** Re-reads the workspace's composer.json / ini files on the next listing. */
  rediscover(): void {
    this.discovering = undefined;
    this.changed.fire('all');
  }

  private discover(): Promise<void> {
    this.discovering ??= (async () => {
      const found: Connection[] = [];
      const files = await vscode.workspace.findFiles(LINTED_GLOB, EXCLUDED_GLOB, 50);
      const frameworkFiles: vscode.Uri[] = [];
      for (const file of files) {
        const kind = documentKind(file.path);
        if (!kind) continue;
        if (kind === 'dotenv' || kind === 'laravel-config' || kind === 'symfony-config') {
          frameworkFiles.push(file);
          continue;
        }
        try {
          const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
          const c = connectionFromDocument(text, kind, file);
          if (c) found.push(c);
        } catch {
          // An unreadable file names no connection.
        }
      }
      if (frameworkFiles.length) {
        const { discoverFrameworkConnections } = await import('./frameworkConnections.ts');
        found.push(...(await discoverFrameworkConnections(frameworkFiles).catch(() => [])));
      }
      this.discovered = found;
    })();
    return this.discovering;
  }

  /** Adds (or updates) a connection entered by the user; the password goes to SecretStorage. */
  async add(
    name: string,
    address: string,
    prefix?: string,
    id = `added:${Date.now().toString(36)}`,
    readOnly?: boolean,
  ): Promise<string> {
    const { address: clean, password } = splitPassword(address.trim());
    const stored = this.context.globalState.get<StoredConnection[]>(STATE_KEY, []);
    // An edit keeps the connection's place in the list.
    const at = stored.findIndex((c) => c.id === id);
    const list = stored.filter((c) => c.id !== id);
    // Credentials still in the address (an ACL user and password, a userinfo): the whole address
    // goes to SecretStorage, and state keeps only its masked form for display.
    const whole = hasCredentials(clean);
    list.splice(at < 0 ? list.length : at, 0, {
      id,
      name,
      address: whole ? maskCredentials(clean) : clean,
      ...(whole ? { secretAddress: true } : {}),
      ...(prefix ? { prefix } : {}),
      ...(readOnly !== undefined ? { readOnly } : {}),
    });
    await this.context.globalState.update(STATE_KEY, list);
    if (whole) {
      await this.context.secrets.store(secretAddressKey(id), clean);
      // The address carries its own credentials: a password stored before would override them.
      await this.context.secrets.delete(secretKey(id));
    } else {
      await this.context.secrets.delete(secretAddressKey(id));
      if (password !== undefined) await this.context.secrets.store(secretKey(id), password);
    }
    this.changed.fire('all');
    return id;
  }

  /** Renames an added connection, switches its read-only state or sets its key prefix ('' = the address's own). */
  async update(id: string, change: { name?: string; readOnly?: boolean; prefix?: string }): Promise<void> {
    const list = this.context.globalState.get<StoredConnection[]>(STATE_KEY, []).map((c) => {
      if (c.id !== id) return c;
      const next: StoredConnection = { ...c };
      if (change.name !== undefined) next.name = change.name;
      if (change.readOnly !== undefined) next.readOnly = change.readOnly;
      if (change.prefix !== undefined) {
        if (change.prefix === '') delete next.prefix;
        else next.prefix = change.prefix;
      }
      return next;
    });
    await this.context.globalState.update(STATE_KEY, list);
    this.changed.fire('all');
  }

  async remove(id: string): Promise<void> {
    const list = this.context.globalState.get<StoredConnection[]>(STATE_KEY, []);
    await this.context.globalState.update(
      STATE_KEY,
      list.filter((c) => c.id !== id),
    );
    await this.context.secrets.delete(secretKey(id));
    await this.context.secrets.delete(secretAddressKey(id));
    this.changed.fire('all');
  }

  async setPassword(id: string, password: string | undefined): Promise<void> {
    if (password === undefined) await this.context.secrets.delete(secretKey(id));
    else await this.context.secrets.store(secretKey(id), password);
  }

  /** Whether a password is kept for the connection (Set Password…). */
  async hasPassword(id: string): Promise<boolean> {
    return (await this.context.secrets.get(secretKey(id))) !== undefined;
  }

  /** The connection's address with its `${VAR}` replaced by their values (environment, .env, given once). */
  async resolve(c: Connection): Promise<ResolvedAddress> {
    const address = (c.secretAddress && (await this.context.secrets.get(secretAddressKey(c.id)))) || c.address;
    const store = c.sessionStore;
    if (!store?.env.length) return { address, missing: [] };
    const values = new Map<string, string | undefined>();
    for (const name of store.env) values.set(name, await this.env.get(name, c.file));
    const { savePath, missing } = expandSavePath(store, (n) => values.get(n));
    return { address: savePath, missing };
  }

  /** The targets of a connection, with the stored password when the address carries none. */
  async targets(c: Connection): Promise<ConnectionTarget[]> {
    const password = await this.context.secrets.get(secretKey(c.id));
    const { address, missing } = await this.resolve(c);
    if (missing.length) throw new MissingVariablesError(missing);
    return parseConnectionTargets(address, {
      ...(c.prefix !== undefined ? { prefix: c.prefix } : {}),
      ...(c.framework ? { framework: c.framework } : {}),
      ...(password !== undefined ? { password } : {}),
    });
  }

  /**
   * Workspace Trust: in an untrusted workspace, a host named only by the workspace's files is
   * reached after the user says so (once per window).
   */
  async mayConnect(c: Connection, label: string): Promise<boolean> {
    // (the consent is for this file's server: after an edit names another one, it asks again)
    const consent = `${c.id}\n${c.address}`;
    if (vscode.workspace.isTrusted || c.source !== 'workspace' || this.consented.has(consent)) return true;
    const go = vscode.l10n.t('Connect');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'This workspace is not trusted. Connect to the Redis server its {0} names ({1})?',
        vscode.workspace.asRelativePath(c.file ?? c.name),
        label,
      ),
      { modal: true },
      go,
    );
    if (answer !== go) return false;
    this.consented.add(consent);
    return true;
  }
}

/** The connection a composer.json / ini document's effective session.save_path describes. */
export function connectionFromDocument(text: string, kind: DocumentKind, file: vscode.Uri): Connection | undefined {
  const store = sessionStoreOf(parseDocument(text, kind));
  if (!store) return undefined;
  return {
    id: `workspace:${file.toString()}`,
    name: vscode.workspace.asRelativePath(file),
    address: store.savePath,
    readOnly: true,
    source: 'workspace',
    file,
    sessionStore: store,
  };
}

/** A name for an address: the host (and database) it names, never a password; the masked address when it does not parse. */
export function defaultName(address: string): string {
  try {
    return shortTargetName(parseConnectionTargets(address, { env: {} }));
  } catch {
    return maskCredentials(address).slice(0, 60);
  }
}
