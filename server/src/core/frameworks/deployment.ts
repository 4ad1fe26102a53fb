// Is the application run in several containers (or in containers replaced on every deploy)? Then
// sessions on the local disk are lost or split between them. Read from the files that say how it
// is deployed: a Procfile / scalingo.json / app.json (Heroku, Scalingo, Dokku: ephemeral
// containers, scaled with `scale web=N`), Docker Compose `deploy.replicas` / `scale`, Kubernetes
// `replicas` or a HorizontalPodAutoscaler.
import { parseAllDocuments } from 'yaml';
import type { ProjectInput } from '../types.ts';

export interface Deployment {
  /** The file that says so. */
  file: string;
  /** Why sessions on the disk break there, in a sentence. */
  reason: string;
}

function yamlDocs(text: string): unknown[] {
  try {
    return parseAllDocuments(text, { uniqueKeys: false })
      .filter((d) => !('errors' in d) || d.errors.length === 0)
      .map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  } catch {
    return [];
  }
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function replicasOfCompose(doc: unknown): number {
  const services = obj(obj(doc)?.services);
  let most = 0;
  for (const svc of Object.values(services ?? {})) {
    const s = obj(svc);
    const n = Number(obj(s?.deploy)?.replicas ?? s?.scale ?? 1);
    if (Number.isFinite(n)) most = Math.max(most, n);
  }
  return most;
}

/** The first file that shows a deployment to several or short-lived containers, if any. */
export function deploymentOf(project: ProjectInput): Deployment | undefined {
  const files = project.files;
  const procfile = files.get('Procfile');
  if (procfile !== undefined && /^web\s*:/m.test(procfile))
    return {
      file: 'Procfile',
      reason:
        'the Procfile deploys to a PaaS (Heroku, Scalingo, Dokku): its containers are replaced on every deploy and restart, and `scale web=2` runs several',
    };
  for (const name of ['scalingo.json', 'app.json']) {
    if (files.has(name))
      return {
        file: name,
        reason: `${name} deploys to a PaaS whose containers are replaced on every deploy and restart, and scale out`,
      };
  }
  for (const [path, text] of files) {
    if (/^(docker-)?compose(\.[^/]+)?\.ya?ml$/.test(path)) {
      const n = Math.max(0, ...yamlDocs(text).map(replicasOfCompose));
      if (n > 1) return { file: path, reason: `${path} runs ${n} replicas of a service` };
    }
  }
  for (const [path, text] of files) {
    if (!/\.ya?ml$/.test(path) || !/^(k8s|kubernetes|kube|deploy|deployment|manifests|\.k8s|helm|charts)\//.test(path))
      continue;
    for (const doc of yamlDocs(text)) {
      const d = obj(doc);
      const kind = d?.kind;
      if (kind === 'HorizontalPodAutoscaler')
        return { file: path, reason: `${path} scales pods with a HorizontalPodAutoscaler` };
      const replicas = Number(obj(d?.spec)?.replicas ?? 1);
      if ((kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet') && replicas > 1)
        return { file: path, reason: `${path} runs ${replicas} replicas` };
    }
  }
  return undefined;
}
