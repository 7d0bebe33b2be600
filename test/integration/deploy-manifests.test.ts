import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parsePolicy } from '../../src/workflow/policy.js';

const read = (path: string) => readFileSync(path, 'utf8');

interface Container {
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  readinessProbe: { httpGet: { path: string } };
  livenessProbe: { httpGet: { path: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

describe('deployment files', () => {
  it('the RAM policy grants exactly the ECS actions the SDK adapter calls', () => {
    const adapter = ['src/cloud/ecs-sdk-gateway.ts', 'src/cloud/ecs-sdk-lifecycle.ts'].map(read).join('\n');
    const called = new Set([...adapter.matchAll(/this\.call\(\s*'([A-Za-z]+)'/g)].map((m) => `ecs:${m[1]}`));
    const policy = JSON.parse(read('manifests/ram-policy.json')) as { Statement: { Action: string[] }[] };
    const granted = new Set(policy.Statement.flatMap((s) => s.Action));
    expect([...granted].sort()).toEqual([...called].sort());
  });

  it('the Deployment runs 2 non-root replicas with probes on the real routes, resources and secret references', () => {
    const deployment = parse(read('manifests/k8s/deployment.yaml'));
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    const container = pod.containers[0] as Container;
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    // Secrets arrive as files from the secret volume, never as environment values.
    const volume = pod.volumes.find((v: { secret?: unknown }) => v.secret) as {
      name: string;
      secret: { secretName: string; items: { key: string; path: string }[] };
    };
    expect(volume.secret.secretName).toBe('shared-disk-bot');
    const mount = (container.volumeMounts ?? []).find((m) => m.name === volume.name);
    expect(mount?.readOnly).toBe(true);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'REDIS_URL']) {
      expect(container.env.find((e) => e.name === name)).toBeUndefined();
      const entry = container.env.find((e) => e.name === `${name}_FILE`);
      const item = volume.secret.items.find((i) => i.key === name);
      expect(entry?.value).toBe(`${mount?.mountPath}/${item?.path}`);
    }
    const labels = deployment.spec.template.metadata.labels;
    expect(parse(read('manifests/k8s/pdb.yaml')).spec.selector.matchLabels).toEqual(labels);
    expect(parse(read('manifests/k8s/service.yaml')).spec.selector).toEqual(labels);
  });

  it('the ConfigMap carries a policy the bot accepts', () => {
    const configMap = parseAllDocuments(read('manifests/k8s/configmap.yaml'))[0]?.toJS() as {
      data: Record<string, string>;
    };
    const policy = parsePolicy(configMap.data['policy.yaml'] ?? '');
    expect(policy.ok ? 'ok' : policy.message).toBe('ok');
  });

  it('the Dockerfile is multi-stage and runs as a non-root user', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER (node|\d{3,})$/m);
    expect(dockerfile).toContain('dist/main.js');
  });

  it('the production build (what the image runs) starts and explains a missing configuration', () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'pipe' });
    const run = spawnSync(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH ?? '', SLACK_BOT_TOKEN: 'xoxb-1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('REDIS_URL');
  });
});
