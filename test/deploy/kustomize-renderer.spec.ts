import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { jsonMerge, renderKustomization, splitImage, strategicMerge, type Json } from './kustomize.js';
import { consumersIn } from './sources.js';

/** The test renderer (kustomize.ts) and the validators do what the deploy checks rely on. */
describe('the kustomize subset renderer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postera-kustomize-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('merges containers and env by name, replaces other lists, deletes on null', () => {
    const target: Json = { spec: { containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: '1' }], args: ['1'] }, { name: 'b', image: 'y' }] } };
    const patch: Json = { spec: { containers: [{ name: 'a', env: [{ name: 'B', value: '2' }], args: ['2'] }, { name: 'b', image: null }] } };
    expect(strategicMerge(target, patch)).toEqual({
      spec: {
        containers: [
          { name: 'a', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], args: ['2'] },
          { name: 'b' },
        ],
      },
    });
    expect(jsonMerge({ spec: { triggers: [1, 2], min: 1 } }, { spec: { triggers: [3] } })).toEqual({ spec: { triggers: [3], min: 1 } });
  });

  it('splits image references', () => {
    expect(splitImage('postera/capture')).toEqual({ name: 'postera/capture' });
    expect(splitImage('registry:5000/postera/capture:1.2.3')).toEqual({ name: 'registry:5000/postera/capture', tag: '1.2.3' });
  });

  it('refuses a kustomization field outside its subset rather than ignore it', () => {
    writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: x-\nresources: []\n');
    expect(() => renderKustomization(dir)).toThrow(/namePrefix.*outside the subset/);
  });

  it('refuses a patch that matches nothing', () => {
    writeFileSync(join(dir, 'p.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: nowhere }\ndata: { A: "1" }\n');
    writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n  - path: p.yaml\n');
    expect(() => renderKustomization(dir)).toThrow(/matches no resource/);
  });
});

describe('the validators the deploy checks use', () => {
  it('refuse a Deployment or a ScaledObject of the wrong shape', () => {
    expect(() => new Deployment({ metadata: { name: 'x' }, spec: { replicas: 'two' } } as never).validate()).toThrow();
    expect(() => new ScaledObject({ metadata: { name: 'x' }, spec: { scaleTargetRef: { name: 'x' }, maxReplicaCount: '6', triggers: [] } } as never).validate()).toThrow(
      /maxReplicaCount/,
    );
  });

  it('read every consumer of a service with its topics', () => {
    const capture = consumersIn(join(process.cwd(), 'services/capture/src'));
    expect(capture.map((c) => c.consumerId)).toEqual(['capture.confirmations-received', 'capture.settlement-events', 'capture.trades-executed']);
    expect(capture.find((c) => c.consumerId === 'capture.trades-executed')!.topics).toEqual(['trades.executed.v1']);
  });
});
