import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** `host:port` pairs of a sentinel or cluster URL. */
function hostsOf(list: string): { host: string; port: number }[] {
  return list.split(',').map((entry) => {
    const [host = '127.0.0.1', port = '6379'] = entry.trim().split(':');
    return { host, port: Number(port) };
  });
}

/**
 * One Redis connection from a URL: `redis://` and `rediss://` (single node),
 * `redis-sentinel://[:password@]h1:26379,h2:26379/<master-name>` and
 * `redis-cluster://[:password@]h1:6379,h2:6379`.
 */
export function createRedis(url: string, extra: RedisOptions = {}): RedisClient {
  const sentinel = /^redis-sentinel:\/\/(?:(?::([^@]*))@)?([^/]+)\/([^/?]+)$/.exec(url);
  if (sentinel) {
    const [, password, hosts = '', name = 'mymaster'] = sentinel;
    return new Redis({
      ...extra,
      sentinels: hostsOf(hosts),
      name,
      ...(password ? { password: decodeURIComponent(password) } : {}),
    });
  }
  const cluster = /^redis-cluster:\/\/(?:(?::([^@]*))@)?([^/?]+)\/?$/.exec(url);
  if (cluster) {
    const [, password, hosts = ''] = cluster;
    return new Cluster(hostsOf(hosts), {
      redisOptions: { ...extra, ...(password ? { password: decodeURIComponent(password) } : {}) },
    });
  }
  return new Redis(url, extra);
}
