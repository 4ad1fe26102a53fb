// The session stores the workspace's Laravel and Symfony projects name (their .env, config/*.php,
// framework.yaml): connections of the view, with the framework's key prefix and layout. Loaded on
// first use (the framework readers and the YAML parser are not evaluated at activation). A password
// is never read from these files: the connection names the variable that holds it.
import * as vscode from 'vscode';
import { EXCLUDED_GLOB } from '../../server/src/core/index.ts';
import { frameworkConnections, isProjectFile } from '../../server/src/core/frameworks/index.ts';
import type { Connection } from './connections.ts';

/** The files a project's framework settings come from (what `isProjectFile` keeps of them); VS Code globs do not nest braces. */
const PROJECT_GLOB =
  '{composer.json,artisan,symfony.lock,.env,.env.*,config/*.php,config/packages/framework.yaml,config/packages/framework.yml,config/packages/*/framework.yaml,config/packages/*/framework.yml,config/services.yaml,config/services.yml}';
const MAX_BYTES = 1024 * 1024;

/** The project a framework file belongs to: the nearest folder above it with a composer.json. */
async function projectRootOf(file: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(file);
  let dir = vscode.Uri.joinPath(file, '..');
  for (;;) {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(dir, 'composer.json'));
      return dir;
    } catch {
      // not here
    }
    if (!folder || dir.path.length <= folder.uri.path.length) return undefined;
    dir = vscode.Uri.joinPath(dir, '..');
  }
}

async function projectFiles(root: vscode.Uri): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const uri of await vscode.workspace.findFiles(
    new vscode.RelativePattern(root, PROJECT_GLOB),
    EXCLUDED_GLOB,
    100,
  )) {
    const rel = uri.path.slice(root.path.length + 1);
    if (!isProjectFile(rel)) continue;
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.length <= MAX_BYTES) files.set(rel, new TextDecoder().decode(bytes));
    } catch {
      // An unreadable file says nothing.
    }
  }
  return files;
}

/** The connections of the projects these framework files (.env, config/…) belong to, once per project. */
export async function discoverFrameworkConnections(frameworkFiles: readonly vscode.Uri[]): Promise<Connection[]> {
  const roots = new Map<string, vscode.Uri>();
  for (const file of frameworkFiles) {
    const root = await projectRootOf(file);
    if (root) roots.set(root.toString(), root);
  }
  const out: Connection[] = [];
  for (const root of roots.values()) {
    for (const fc of frameworkConnections({ files: await projectFiles(root), path: '.env' })) {
      const file = vscode.Uri.joinPath(root, fc.file);
      out.push({
        id: `workspace:${fc.framework}:${file.toString()}`,
        name: vscode.workspace.asRelativePath(file),
        address: fc.address,
        prefix: fc.prefix,
        framework: fc.framework,
        ...(fc.passwordVar ? { passwordVar: fc.passwordVar } : {}),
        ...(fc.lifetime ? { lifetime: fc.lifetime } : {}),
        readOnly: true,
        source: 'workspace',
        file,
      });
    }
  }
  return out;
}
