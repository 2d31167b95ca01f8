import type { components } from '@tokenwire/sensu';

type Entity = components['schemas']['Entity'];
type Namespace = components['schemas']['Namespace'];

/** Deterministic Sensu data: namespaces sorted by name, entities sorted by name. */
export const sensuNamespaces: readonly Namespace[] = [
  { name: 'default' },
  { name: 'production' },
  { name: 'staging' },
];

// 2026-01-01T00:00:00Z: a fixed "last keepalive" so the data never changes between runs.
const seenAt = 1_767_225_600;

function agent(name: string, namespace: string, index: number): Entity {
  return {
    entity_class: 'agent',
    system: {
      hostname: name,
      os: 'linux',
      platform: index % 2 === 0 ? 'ubuntu' : 'debian',
      platform_family: 'debian',
      platform_version: index % 2 === 0 ? '22.04' : '12',
      network: {
        interfaces: [
          { name: 'lo', addresses: ['127.0.0.1/8'] },
          {
            name: 'eth0',
            mac: `02:00:00:00:00:${(index + 1).toString(16).padStart(2, '0')}`,
            addresses: [`192.0.2.${10 + index}/24`],
          },
        ],
      },
      arch: 'amd64',
      libc_type: 'glibc',
      vm_system: 'kvm',
      vm_role: 'guest',
      cloud_provider: '',
      processes: null,
    },
    subscriptions: ['linux', `entity:${name}`],
    last_seen: seenAt - index * 60,
    deregister: false,
    deregistration: {},
    user: 'agent',
    redact: [
      'password',
      'passwd',
      'pass',
      'api_key',
      'api_token',
      'access_key',
      'secret_key',
      'private_key',
      'secret',
    ],
    metadata: {
      name,
      namespace,
      labels: { environment: namespace === 'default' ? 'sandbox' : namespace },
    },
    sensu_agent_version: '6.12.0',
  };
}

function proxy(name: string, namespace: string): Entity {
  return {
    entity_class: 'proxy',
    system: {
      network: { interfaces: null },
      libc_type: '',
      vm_system: '',
      vm_role: '',
      cloud_provider: '',
      processes: null,
    },
    subscriptions: [`entity:${name}`],
    last_seen: 0,
    deregister: false,
    deregistration: {},
    metadata: { name, namespace, created_by: 'sandbox-admin' },
    sensu_agent_version: '',
  };
}

function byName(a: Entity, b: Entity): number {
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** 25 entities in `default` (20 agents, 5 proxies), 3 in `production`, none in `staging`. */
export const sensuEntities: ReadonlyMap<string, readonly Entity[]> = new Map([
  [
    'default',
    [
      ...Array.from({ length: 20 }, (_, i) =>
        agent(`sandbox-host-${String(i + 1).padStart(2, '0')}`, 'default', i),
      ),
      ...Array.from({ length: 5 }, (_, i) => proxy(`sandbox-router-${i + 1}`, 'default')),
    ].sort(byName),
  ],
  [
    'production',
    Array.from({ length: 3 }, (_, i) => agent(`prod-host-${i + 1}`, 'production', i)).sort(byName),
  ],
  ['staging', []],
]);

export const sensuHealth: components['schemas']['HealthResponse'] = {
  Alarms: null,
  ClusterHealth: [
    {
      MemberID: 1234567890123456,
      MemberIDHex: '462d53c8abac0',
      Name: 'sandbox-backend-1',
      Err: '',
      Healthy: true,
    },
  ],
  Header: {
    cluster_id: 4255616304056076,
    member_id: 1234567890123456,
    revision: 1042,
    raft_term: 2,
  },
};

export const sensuVersion: components['schemas']['VersionResponse'] = {
  etcd: { etcdserver: '3.5.15', etcdcluster: '3.5.0' },
  sensu_backend: '6.12.0',
  api_groups: { 'core/v2': 'v2.20.0', 'core/v3': 'v3.9.0' },
};
