// A decoded session's rows in the PHP Sessions view: what PHP would make of it first (a warning
// when PHP cannot read it back), then its variables — or a framework's fields and attributes — each
// with the place it is stored at, which Edit Value… writes to.
import * as vscode from 'vscode';
import {
  FRAMEWORK_LABELS,
  parseDottedPath,
  phpChildren,
  presentSession,
  valueAtPath,
  type DecodedSession,
  type FrameworkView,
  type PhpValue,
} from '../../server/src/sessions/index.ts';
import type { SessionInfo } from '../../server/src/sessions/redis/index.ts';
import type { HostState, Node } from './hostState.ts';

type VariableNode = Extract<Node, { kind: 'variable' }>;

/** What PHP does with the stored bytes that the variables alone do not show, one line each. */
export function sessionCaveats(decoded: DecodedSession): string[] {
  return [
    ...(decoded.phpUnreadable ? [vscode.l10n.t('PHP cannot read this back: {0}', decoded.phpUnreadable.reason)] : []),
    ...(decoded.notes ?? []),
  ];
}

/**
 * The path, when it leads to this very value of the decoded session: a row is editable only where
 * writing at its path changes what the row shows.
 */
function placeOf(decoded: DecodedSession, path: readonly string[], value: PhpValue): readonly string[] | undefined {
  return valueAtPath(decoded, path) === value ? path : undefined;
}

/** A framework view's dotted name (`_sf2_attributes.cart`, `a\.b` escaped) as a checked path. */
function dottedPlace(decoded: DecodedSession, name: string, value: PhpValue): readonly string[] | undefined {
  try {
    return placeOf(decoded, parseDottedPath(name), value);
  } catch {
    return undefined;
  }
}

/**
 * A framework's session: who it is and where from, the framework's own keys explained (a CSRF
 * token, `_sf2_meta`'s dates), then the application's attributes.
 */
function frameworkRows(
  host: HostState,
  session: SessionInfo,
  view: FrameworkView,
  place: (name: string, value: PhpValue) => readonly string[] | undefined,
): Node[] {
  const nodes: Node[] = [];
  if (view.summary) nodes.push({ kind: 'message', text: `${FRAMEWORK_LABELS[view.framework]} · ${view.summary}` });
  for (const f of view.fields) {
    const path = place(f.name, f.value);
    nodes.push({
      kind: 'variable',
      host,
      session,
      label: f.label,
      detail: f.name,
      ...(f.display !== undefined ? { display: f.display } : {}),
      value: f.value,
      ...(path ? { path } : {}),
    });
  }
  view.attributes.forEach(([label, value], i) => {
    const name = view.attributePaths[i];
    const path = name === undefined ? undefined : place(name, value);
    nodes.push({ kind: 'variable', host, session, label, value, ...(path ? { path } : {}) });
  });
  return nodes;
}

/** The rows under a decoded session. */
export function sessionRows(host: HostState, session: SessionInfo, decoded: DecodedSession): Node[] {
  const caveats = sessionCaveats(decoded);
  const rows: Node[] = caveats.map((text) => ({ kind: 'message', text, warning: true }));
  if (decoded.variables.length === 0) return [...rows, { kind: 'message', text: vscode.l10n.t('Empty session') }];
  // Where PHP does not read the session as stored, an edit is refused (safeEdit.ts): none is offered.
  const place = (name: string, value: PhpValue): readonly string[] | undefined =>
    caveats.length === 0 ? dottedPlace(decoded, name, value) : undefined;
  const view = decoded.framework ? presentSession(decoded.framework, decoded.variables) : undefined;
  if (view) return [...rows, ...frameworkRows(host, session, view, place)];
  for (const [label, value] of decoded.variables) {
    const path = caveats.length === 0 ? placeOf(decoded, [label], value) : undefined;
    rows.push({ kind: 'variable', host, session, label, value, ...(path ? { path } : {}) });
  }
  return rows;
}

/** The rows under a variable (array entries, properties); `decoded` is the session it was shown from. */
export function variableRows(node: VariableNode, decoded: DecodedSession | undefined): Node[] {
  return phpChildren(node.value).map((c) => {
    const path = node.path && decoded ? placeOf(decoded, [...node.path, c.label], c.value) : undefined;
    return {
      kind: 'variable',
      host: node.host,
      session: node.session,
      label: c.label,
      ...(c.detail ? { detail: c.detail } : {}),
      value: c.value,
      ...(path ? { path } : {}),
    };
  });
}
