import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A small renderer of the kustomize subset deploy/ uses, for the tests (there is no kustomize
 * binary on the development machines or in CI). It refuses any field outside the subset, so a
 * kustomization that grows beyond it fails the tests instead of being rendered wrongly:
 *
 *   resources        files (multi-document YAML) and directories holding a kustomization.yaml
 *   namespace        set on every object
 *   labels           pairs added to metadata.labels, and to pod templates with includeTemplates;
 *                    includeSelectors must be false (selectors are left alone)
 *   images           name → newName / newTag on every container and init container
 *   patches          `path:` only: strategic merge patches matched on kind and name; lists of the
 *                    built-in kinds merge on their merge key (containers, env, volumes by name,
 *                    volumeMounts by mountPath, ports by containerPort or port), other lists are
 *                    replaced, null deletes; custom resources (KEDA) take a JSON merge patch
 *   configMapGenerator  files and literals, with generatorOptions.disableNameSuffixHash: true
 *
 * Order as in kustomize: resources and generators, then patches, then namespace, labels, images.
 */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const supported = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches', 'configMapGenerator', 'generatorOptions']);

export function readYamlDocuments(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const d of docs) if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
  return docs.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined);
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const idOf = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function renderKustomization(dir: string): K8sObject[] {
  const k = readYamlDocuments(join(dir, 'kustomization.yaml'))[0];
  if (!isObj(k)) throw new Error(`${dir}/kustomization.yaml: not a mapping`);
  for (const key of Object.keys(k)) if (!supported.has(key)) throw new Error(`${dir}/kustomization.yaml: "${key}" is outside the subset the test renderer supports`);
  if (k.kind !== 'Kustomization') throw new Error(`${dir}/kustomization.yaml: kind ${String(k.kind)}`);

  let objects: K8sObject[] = [];
  for (const r of (k.resources as string[] | undefined) ?? []) {
    const path = join(dir, r);
    if (statSync(path).isDirectory()) objects.push(...renderKustomization(path));
    else objects.push(...(readYamlDocuments(path) as K8sObject[]));
  }

  const gen = k.generatorOptions as Obj | undefined;
  for (const g of (k.configMapGenerator as Obj[] | undefined) ?? []) {
    if (gen?.disableNameSuffixHash !== true) throw new Error(`${dir}: configMapGenerator needs generatorOptions.disableNameSuffixHash: true here`);
    const data: Record<string, string> = {};
    for (const f of (g.files as string[] | undefined) ?? []) data[basename(f)] = readFileSync(join(dir, f), 'utf8');
    for (const l of (g.literals as string[] | undefined) ?? []) {
      const i = l.indexOf('=');
      data[l.slice(0, i)] = l.slice(i + 1);
    }
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name as string }, data });
  }

  for (const p of (k.patches as Obj[] | undefined) ?? []) {
    for (const key of Object.keys(p)) if (key !== 'path') throw new Error(`${dir}: patches.${key} is outside the supported subset (path only)`);
    for (const patch of readYamlDocuments(join(dir, p.path as string)) as K8sObject[]) {
      const i = objects.findIndex(
        (o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name && (!patch.metadata.namespace || o.metadata.namespace === patch.metadata.namespace),
      );
      if (i < 0) throw new Error(`${dir}: patch ${patch.kind}/${patch.metadata.name} matches no resource`);
      const builtin = !patch.apiVersion.split('/')[0]!.includes('.');
      objects[i] = (builtin ? strategicMerge : jsonMerge)(objects[i] as unknown as Json, patch as unknown as Json) as unknown as K8sObject;
    }
  }

  if (typeof k.namespace === 'string') objects = objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: k.namespace as string } }));

  for (const l of (k.labels as Obj[] | undefined) ?? []) {
    if (l.includeSelectors !== false) throw new Error(`${dir}: labels.includeSelectors must be false here`);
    const pairs = l.pairs as Record<string, string>;
    for (const o of objects) {
      o.metadata.labels = { ...o.metadata.labels, ...pairs };
      const template = podTemplate(o);
      if (l.includeTemplates === true && template) {
        const md = (template.metadata ??= {}) as Obj;
        md.labels = { ...((md.labels as Obj | undefined) ?? {}), ...pairs };
      }
    }
  }

  for (const img of (k.images as Obj[] | undefined) ?? []) {
    for (const o of objects) {
      const spec = podTemplate(o)?.spec as Obj | undefined;
      for (const c of [...((spec?.containers as Obj[] | undefined) ?? []), ...((spec?.initContainers as Obj[] | undefined) ?? [])]) {
        const { name, tag } = splitImage(c.image as string);
        if (name !== img.name) continue;
        c.image = `${(img.newName as string | undefined) ?? name}${img.newTag !== undefined ? `:${String(img.newTag)}` : tag ? `:${tag}` : ''}`;
      }
    }
  }

  const seen = new Set<string>();
  for (const o of objects) {
    if (seen.has(idOf(o))) throw new Error(`${dir}: ${idOf(o)} defined twice`);
    seen.add(idOf(o));
  }
  return objects;
}

export function podTemplate(o: K8sObject): Obj | undefined {
  const spec = o.spec as Obj | undefined;
  if (!spec) return undefined;
  if (isObj(spec.template)) return spec.template;
  const jt = spec.jobTemplate as Obj | undefined;
  return isObj(jt?.spec) && isObj(jt.spec.template) ? jt.spec.template : undefined;
}

export function splitImage(image: string): { name: string; tag?: string } {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? { name: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { name: ref };
}

/** RFC 7386: maps merge, null deletes, everything else (lists included) replaces. */
export function jsonMerge(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = jsonMerge(out[key] ?? null, value);
  }
  return out;
}

const mergeKeys: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  ports: ['containerPort', 'port'],
};

/** Strategic merge for the built-in kinds, on the fields deploy/ patches (see the subset above). */
export function strategicMerge(target: Json, patch: Json, field = ''): Json {
  if (Array.isArray(patch)) {
    const keys = mergeKeys[field];
    if (!keys || !Array.isArray(target)) return structuredClone(patch);
    const out = target.map((t) => structuredClone(t));
    for (const item of patch) {
      const key = keys.find((k) => isObj(item) && item[k] !== undefined);
      const i = key ? out.findIndex((t) => isObj(t) && isObj(item) && t[key] === item[key]) : -1;
      if (i >= 0) out[i] = strategicMerge(out[i]!, item);
      else out.push(structuredClone(item));
    }
    return out;
  }
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = strategicMerge(out[key] ?? null, value, key);
  }
  return out;
}
