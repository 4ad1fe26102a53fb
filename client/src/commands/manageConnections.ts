// Connection management: Test connection (from the tree or a code lens), add, edit, remove, the
// password kept in VS Code's secret storage, and the values of the `${VAR}` a workspace
// save_path reads where PHP runs.
import * as vscode from 'vscode';
import { maskCredentials } from '../../../server/src/core/index.ts';
import { describeTarget, parseConnectionTargets, type ConnectionTarget } from '../../../server/src/sessions/index.ts';
import type { StoreTestResult, TestResult } from '../../../server/src/sessions/redis/index.ts';
import { ruleHref } from '../../../server/src/protocol.ts';
import { defaultName, type Connection } from '../connections.ts';
import { errorText } from '../errorText.ts';
import { logError, logInfo } from '../output.ts';
import { loadRedis, type Node } from '../sessionsTree.ts';
import type { Cmd, CommandContext } from './context.ts';
import { documentConnection, pickConnection } from './pick.ts';

/**
 * Test connection, for a tree node or (from the code lens) a document. A connection a workspace
 * file names is tested as PHP would use it; the others as the view connects to them.
 */
export function testConnection(ctx: CommandContext): Cmd {
  return async (n?: unknown, offset?: number) => {
    // From the code lens: (document uri, offset of the save_path); else a tree node.
    if (typeof n === 'string' && typeof offset === 'number') {
      const c = await documentConnection(n);
      if (!c) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t('This file names no Redis session store (session.save_handler redis and a session.save_path).'),
        );
        return;
      }
      return testAsPhp(ctx, c);
    }
    const c = await pickConnection(ctx, n);
    if (!c) return;
    if (c.sessionStore) return testAsPhp(ctx, c);
    await testTargets(ctx, c, await ctx.store.targets(c));
  };
}

/** `Redis 7.0.15 (standalone), 31 sessions, 0.4 ms`: what a successful test found. */
function found(r: Extract<TestResult, { ok: true }>): string {
  const count = `${r.sessionCount.toLocaleString('en-US')}${r.sessionCountComplete ? '' : '+'}`;
  return r.sessionCount === 1 && r.sessionCountComplete
    ? vscode.l10n.t('Redis {0} ({1}), 1 session, {2} ms', r.redisVersion, r.mode, r.latencyMs)
    : vscode.l10n.t('Redis {0} ({1}), {2} sessions, {3} ms', r.redisVersion, r.mode, count, r.latencyMs);
}

/** The save_path a workspace connection names, its `${VAR}` replaced; asks once for a value nobody gave. */
async function resolvedSavePath(ctx: CommandContext, c: Connection): Promise<string | undefined> {
  let r = await ctx.store.resolve(c);
  if (!r.missing.length) return r.address;
  for (const name of r.missing) if ((await askVariable(ctx, c, name)) === undefined) return undefined;
  r = await ctx.store.resolve(c);
  return r.missing.length ? undefined : r.address;
}

/**
 * What PHP would do with the connection's handler and save_path: the reason it cannot use it,
 * else a connection made as phpredis makes it (Redis's answer, or its failure).
 */
async function testAsPhp(ctx: CommandContext, c: Connection): Promise<void> {
  const store = c.sessionStore!;
  const savePath = await resolvedSavePath(ctx, c);
  if (savePath === undefined) return;
  if (!(await ctx.store.mayConnect(c, maskCredentials(savePath)))) return;
  const result: StoreTestResult = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing {0} as PHP would…', c.name) },
    async () => (await loadRedis()).testSessionStore(store.handler, savePath),
  );
  if (result.blockers.length) {
    const reason = result.blockers[0]!;
    logError(`${c.name}: PHP cannot use this session.save_path (${reason.rule}): ${reason.message}`);
    const anyway = vscode.l10n.t('Test the Server Anyway');
    const rule = vscode.l10n.t('Open Rule');
    let targets: ConnectionTarget[] | undefined;
    try {
      // What the path means to someone reading it as a Redis URL (a redis:// pasted as is).
      targets = parseConnectionTargets(savePath, { env: {} });
    } catch {
      targets = undefined;
    }
    const answer = await vscode.window.showErrorMessage(
      vscode.l10n.t('PHP cannot use this session.save_path: {0}', reason.message),
      ...(targets ? [anyway] : []),
      rule,
    );
    if (answer === anyway && targets) await testTargets(ctx, c, targets);
    if (answer === rule) await vscode.env.openExternal(vscode.Uri.parse(ruleHref(reason.rule)));
    return;
  }
  for (const r of result.results) {
    if (r.ok) {
      logInfo(`${c.name}: ${r.label}: PHP can use it: ${found(r)}`);
      void vscode.window.showInformationMessage(vscode.l10n.t('PHP can use it: {0} — {1}', found(r), r.label));
      continue;
    }
    // phpredis sends a password only from auth=: say why there was none.
    const why =
      r.code === 'NOAUTH' && result.noAuth.length
        ? ` ${result.noAuth[0]!.message}`
        : r.code === 'NOAUTH'
          ? ` ${vscode.l10n.t('This session.save_path sends no password (auth=…).')}`
          : '';
    logError(`${c.name}: ${r.label}: PHP would fail: ${r.error}${why}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('PHP would fail: {0}{1} — {2}', r.error, why, r.label));
  }
}

/** PING, AUTH, SELECT and a count of sessions on each target, result first. */
async function testTargets(ctx: CommandContext, c: Connection, targets: ConnectionTarget[]): Promise<void> {
  if (!(await ctx.store.mayConnect(c, targets.map(describeTarget).join(', ')))) return;
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing {0}…', c.name) },
    async () => {
      const { testConnection } = await loadRedis();
      return Promise.all(targets.map((t) => testConnection(t)));
    },
  );
  for (const r of results) {
    if (r.ok) {
      logInfo(`${c.name}: ${r.label}: ${found(r)}`);
      void vscode.window.showInformationMessage(`${found(r)} — ${r.label}`);
      continue;
    }
    logError(`${c.name}: ${r.label}: ${r.error}`);
    const setPassword = vscode.l10n.t('Set Password…');
    const auth = r.code === 'NOAUTH' || r.code === 'WRONGPASS';
    void vscode.window
      .showErrorMessage(`${r.error} — ${r.label}`, ...(auth && c.source !== 'workspace' ? [setPassword] : []))
      .then((a) =>
        a === setPassword
          ? vscode.commands.executeCommand('phpRedisSessions.setPassword', ctx.tree.connectionNode(c.id))
          : undefined,
      );
  }
}

function validAddress(v: string): string | undefined {
  if (!v.trim()) return vscode.l10n.t('An address is needed');
  try {
    parseConnectionTargets(v.trim(), { env: {} });
    return undefined;
  } catch (err) {
    return errorText(err);
  }
}

/** Asks for an address and a name; the password goes to the secret storage; shows the new row. */
export function addConnection(ctx: CommandContext): Cmd {
  return async () => {
    const address = await vscode.window.showInputBox({
      title: vscode.l10n.t('Add a Redis connection (1/2)'),
      prompt: vscode.l10n.t(
        "A redis:// or rediss:// URL, or a session.save_path (tcp://host:6379?auth=…). The password goes to VS Code's secret storage.",
      ),
      placeHolder: 'redis://127.0.0.1:6379/0',
      ignoreFocusOut: true,
      validateInput: validAddress,
    });
    if (!address) return;
    const name = await vscode.window.showInputBox({
      title: vscode.l10n.t('Add a Redis connection (2/2)'),
      prompt: vscode.l10n.t('A name for it in the PHP Sessions view'),
      value: defaultName(address.trim()),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A name is needed')),
    });
    if (!name) return;
    const id = await ctx.store.add(name.trim(), address);
    const c = await ctx.store.get(id);
    await vscode.commands.executeCommand('phpRedisSessions.sessions.focus');
    if (c) {
      await ctx.view
        .reveal({ kind: 'connection', connection: c }, { select: true, focus: true })
        .then(undefined, () => undefined);
    }
    logInfo(`Added the connection "${name.trim()}" (${c?.readOnly === false ? 'writable' : 'read-only'})`);
    void vscode.window.showInformationMessage(
      c?.readOnly === false
        ? vscode.l10n.t('Added "{0}". Expand it to list its sessions.', name.trim())
        : vscode.l10n.t(
            'Added "{0}", read-only. Expand it to list its sessions; Edit Connection… makes it writable.',
            name.trim(),
          ),
    );
  };
}

/** Edits an added connection: name, address, read-only, key prefix (the others live in settings or a file). */
export function editConnection(ctx: CommandContext): Cmd {
  return async (n?: Node) => {
    const c = await pickConnection(ctx, n);
    if (!c) return;
    if (c.source !== 'added') {
      if (c.source === 'settings') {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('This connection comes from settings: edit phpRedisSessions.connections.'),
        );
        await vscode.commands.executeCommand('workbench.action.openSettings', 'phpRedisSessions.connections');
      } else if (c.file) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t(
            'This connection is the session.save_path of {0}: edit the file.',
            vscode.workspace.asRelativePath(c.file),
          ),
        );
        await vscode.window.showTextDocument(c.file);
      }
      return;
    }
    type Field = 'name' | 'address' | 'readOnly' | 'prefix';
    const fields: (vscode.QuickPickItem & { field: Field })[] = [
      { field: 'name', label: `$(tag) ${vscode.l10n.t('Name')}`, description: c.name },
      {
        field: 'address',
        label: `$(plug) ${vscode.l10n.t('Address')}`,
        description: maskCredentials(c.address),
        detail: vscode.l10n.t("The password stays in VS Code's secret storage unless you type a new one."),
      },
      {
        field: 'readOnly',
        label: c.readOnly ? `$(lock) ${vscode.l10n.t('Read-only')}` : `$(unlock) ${vscode.l10n.t('Writable')}`,
        description: c.readOnly
          ? vscode.l10n.t('Make it writable (Set TTL, Delete, Release lock)')
          : vscode.l10n.t('Make it read-only'),
      },
      {
        field: 'prefix',
        label: `$(key) ${vscode.l10n.t('Session key prefix')}`,
        description: c.prefix ?? vscode.l10n.t("the address's own (PHPREDIS_SESSION: by default)"),
      },
    ];
    const pick = await vscode.window.showQuickPick(fields, {
      title: vscode.l10n.t('Edit {0}', c.name),
      placeHolder: vscode.l10n.t('What to change'),
    });
    if (!pick) return;
    switch (pick.field) {
      case 'name': {
        const name = await vscode.window.showInputBox({
          title: vscode.l10n.t('Name of {0}', c.name),
          value: c.name,
          validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A name is needed')),
        });
        if (name && name.trim() !== c.name) await ctx.store.update(c.id, { name: name.trim() });
        return;
      }
      case 'readOnly':
        await ctx.store.update(c.id, { readOnly: !c.readOnly });
        void vscode.window.showInformationMessage(
          c.readOnly
            ? vscode.l10n.t('"{0}" is now writable.', c.name)
            : vscode.l10n.t('"{0}" is now read-only.', c.name),
        );
        return;
      case 'prefix': {
        const prefix = await vscode.window.showInputBox({
          title: vscode.l10n.t('Session key prefix of {0}', c.name),
          value: c.prefix ?? '',
          prompt: vscode.l10n.t("Empty uses the address's own prefix (PHPREDIS_SESSION: by default)"),
        });
        if (prefix !== undefined) await ctx.store.update(c.id, { prefix });
        return;
      }
      case 'address': {
        const address = await vscode.window.showInputBox({
          title: vscode.l10n.t('Address of {0}', c.name),
          value: c.address,
          prompt: vscode.l10n.t('Leave the password out to keep the stored one'),
          ignoreFocusOut: true,
          // An address kept whole in the secret storage is shown masked: `***` is no password to store.
          validateInput: (v) =>
            v !== c.address && v.includes('***')
              ? vscode.l10n.t('Type the password in place of ***, or leave the address unchanged')
              : validAddress(v),
        });
        if (!address || address === c.address) return;
        await ctx.store.add(c.name, address, c.prefix, c.id, c.readOnly);
        return;
      }
    }
  };
}

export function removeConnection(ctx: CommandContext): Cmd {
  return async (n?: Node) => {
    const c = await pickConnection(ctx, n);
    if (!c) return;
    if (c.source !== 'added') {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Only connections added with "Add connection…" can be removed here.'),
      );
      return;
    }
    const yes = vscode.l10n.t('Remove');
    if (
      (await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove the connection "{0}" and its stored password?', c.name),
        { modal: true },
        yes,
      )) !== yes
    )
      return;
    await ctx.store.remove(c.id);
  };
}

/** Keeps a password for the connection in the secret storage; the connection lists again at once. */
export function setPassword(ctx: CommandContext): Cmd {
  return async (n?: Node) => {
    const c = await pickConnection(ctx, n);
    if (!c) return;
    const password = await vscode.window.showInputBox({
      title: vscode.l10n.t('Password for {0}', c.name),
      password: true,
      prompt: vscode.l10n.t("Kept in VS Code's secret storage; empty removes it"),
      ignoreFocusOut: true,
    });
    if (password === undefined) return;
    await ctx.store.setPassword(c.id, password === '' ? undefined : password);
    ctx.tree.refreshConnection(c.id);
  };
}

/** Asks for the value of one `${VAR}` of a workspace save_path and keeps it (secret storage). */
async function askVariable(ctx: CommandContext, c: Connection, name: string): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Value of {0}', name),
    prompt: vscode.l10n.t(
      "{0}'s session.save_path reads {1} where PHP runs. Its value, for Test Connection and the PHP Sessions view, is kept in VS Code's secret storage.",
      vscode.workspace.asRelativePath(c.file ?? c.name),
      name,
    ),
    placeHolder: 'tcp://host:6379?auth=…&timeout=2.5',
    ignoreFocusOut: true,
  });
  if (value === undefined) return undefined;
  await ctx.store.env.set(name, c.file, value);
  logInfo(`${c.name}: a value for ${name} is kept in the secret storage`);
  return value;
}

/** Sets the values of the `${VAR}` a workspace connection's save_path reads (all of them, or `names`). */
export function setVariable(ctx: CommandContext): Cmd {
  return async (n?: Node, names?: string[]) => {
    let c: Connection | undefined;
    if (n && n.kind === 'connection') c = n.connection;
    else {
      const withVars = (await ctx.store.all()).filter((x) => x.sessionStore?.env.length);
      if (withVars.length === 0) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('No session.save_path of this workspace reads a variable (${NAME}).'),
        );
        return;
      }
      c =
        withVars.length === 1
          ? withVars[0]
          : (
              await vscode.window.showQuickPick(
                withVars.map((x) => ({ label: x.name, description: x.sessionStore!.env.join(', '), x })),
                { title: vscode.l10n.t('Which configuration?') },
              )
            )?.x;
    }
    if (!c?.sessionStore) return;
    for (const name of names?.length ? names : c.sessionStore.env) {
      if ((await askVariable(ctx, c, name)) === undefined) return;
    }
    ctx.tree.refreshConnection(c.id);
  };
}
