// Which Docker engine to talk to, resolved the way the docker CLI does, in this order of precedence:
// an explicit host (the `layerlens.dockerHost` setting or `--host`) > DOCKER_HOST > the current
// docker context (DOCKER_CONTEXT, else ~/.docker/config.json `currentContext` → contexts/meta/<sha256(name)>/meta.json)
// > the default socket. TLS follows DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, or the context's own TLS material.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';
import { LayerlensError } from '../core/errors';

export const DEFAULT_HOST = 'unix:///var/run/docker.sock';

export interface DockerEndpoint {
  /** The host as the user would write it: unix:///var/run/docker.sock, tcp://h:2376, ssh://u@h. */
  host: string;
  /** Where the host came from, for messages ("DOCKER_HOST", "docker context \"prod\""…). */
  source: string;
  tls: boolean;
  options: DockerOptions;
}

export interface ResolveInput {
  explicitHost?: string;
  explicitSource?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export function resolveEndpoint(input: ResolveInput = {}): DockerEndpoint {
  const env = input.env ?? process.env;
  const home = input.home ?? homedir();
  const dockerConfigDir = env.DOCKER_CONFIG || join(home, '.docker');
  if (input.explicitHost?.trim()) {
    return endpointFor(input.explicitHost.trim(), input.explicitSource ?? 'setting', tlsFromEnv(env, dockerConfigDir), env, home);
  }
  if (env.DOCKER_HOST?.trim()) return endpointFor(env.DOCKER_HOST.trim(), 'DOCKER_HOST', tlsFromEnv(env, dockerConfigDir), env, home);
  const context = currentContext(env, dockerConfigDir);
  if (context && context !== 'default') {
    const fromContext = contextEndpoint(context, dockerConfigDir, env, home);
    if (fromContext) return fromContext;
  }
  return endpointFor(DEFAULT_HOST, 'default', undefined, env, home);
}

interface TlsMaterial {
  verify: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

function tlsFromEnv(env: NodeJS.ProcessEnv, dockerConfigDir: string): TlsMaterial | undefined {
  const verify = !!env.DOCKER_TLS_VERIFY && env.DOCKER_TLS_VERIFY !== '0';
  if (!verify && !env.DOCKER_TLS) return undefined;
  return { verify, ...readTlsFiles(env.DOCKER_CERT_PATH || dockerConfigDir) };
}

function readTlsFiles(dir: string): Omit<TlsMaterial, 'verify'> {
  const read = (name: string) => {
    const file = join(dir, name);
    return existsSync(file) ? readFileSync(file) : undefined;
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

function currentContext(env: NodeJS.ProcessEnv, dockerConfigDir: string): string | undefined {
  if (env.DOCKER_CONTEXT?.trim()) return env.DOCKER_CONTEXT.trim();
  try {
    const config = JSON.parse(readFileSync(join(dockerConfigDir, 'config.json'), 'utf8')) as { currentContext?: string };
    return config.currentContext || undefined;
  } catch {
    return undefined;
  }
}

function contextEndpoint(name: string, dockerConfigDir: string, env: NodeJS.ProcessEnv, home: string): DockerEndpoint | undefined {
  const id = createHash('sha256').update(name).digest('hex');
  let meta: { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } };
  try {
    meta = JSON.parse(readFileSync(join(dockerConfigDir, 'contexts', 'meta', id, 'meta.json'), 'utf8'));
  } catch {
    throw new LayerlensError(`The current docker context "${name}" has no readable metadata; run \`docker context use default\` or set DOCKER_HOST.`, 'bad-input');
  }
  const docker = meta.Endpoints?.docker;
  if (!docker?.Host) return undefined;
  const tlsDir = join(dockerConfigDir, 'contexts', 'tls', id, 'docker');
  const files = existsSync(tlsDir) ? readTlsFiles(tlsDir) : {};
  const tls = files.ca || files.cert ? { verify: !docker.SkipTLSVerify, ...files } : undefined;
  return endpointFor(docker.Host, `docker context "${name}"`, tls, env, home);
}

/**
 * The docker CLI runs the system ssh, which finds the agent or the default keys by itself; ssh2 needs them
 * handed over: the agent when there is one, else the first unencrypted default key in ~/.ssh.
 */
function sshCredentials(env: NodeJS.ProcessEnv, home: string): { agent?: string; privateKey?: Buffer } {
  if (env.SSH_AUTH_SOCK) return { agent: env.SSH_AUTH_SOCK };
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = join(home, '.ssh', name);
    if (existsSync(file)) return { privateKey: readFileSync(file) };
  }
  return {};
}

/** Dockerode options for a host string; throws a LayerlensError on a host it cannot use. `env` supplies SSH_AUTH_SOCK. */
export function endpointFor(
  host: string,
  source: string,
  tls: TlsMaterial | undefined,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): DockerEndpoint {
  if (host.startsWith('unix://') || host.startsWith('npipe://')) {
    const socketPath = host.slice(host.indexOf('://') + 3) || '/var/run/docker.sock';
    return { host, source, tls: false, options: { socketPath } };
  }
  if (host.startsWith('/')) return { host: 'unix://' + host, source, tls: false, options: { socketPath: host } };
  let url: URL;
  try {
    url = new URL(host.includes('://') ? host : 'tcp://' + host);
  } catch {
    throw new LayerlensError(`The Docker host "${host}" (from ${source}) is not a valid address; use unix:///path, tcp://host:port or ssh://user@host.`, 'bad-input');
  }
  if (url.protocol === 'ssh:') {
    return {
      host,
      source,
      tls: false,
      options: {
        protocol: 'ssh',
        host: url.hostname,
        port: url.port ? Number(url.port) : 22,
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: sshCredentials(env, home),
      } as DockerOptions,
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LayerlensError(`The Docker host "${host}" (from ${source}) uses ${url.protocol}, which is not supported; use unix://, tcp:// or ssh://.`, 'bad-input');
  }
  const useTls = !!tls || url.protocol === 'https:' || url.port === '2376';
  const options: DockerOptions = {
    protocol: useTls ? 'https' : 'http',
    host: url.hostname,
    port: url.port ? Number(url.port) : useTls ? 2376 : 2375,
  };
  if (tls) {
    // docker-modem always verifies the CA it is given; DOCKER_TLS without verification is not supported.
    Object.assign(options, { ca: tls.ca, cert: tls.cert, key: tls.key });
  }
  return { host, source, tls: useTls, options };
}
