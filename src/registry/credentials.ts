// Registry credentials, found as the docker CLI finds them (docker/cli cli/config): `$DOCKER_CONFIG/config.json`
// or `~/.docker/config.json`; `credHelpers[host]`, else `credsStore`, run as `docker-credential-<name> get`
// with the host on stdin (executed directly, never through a shell); else `auths[host]` (`auth` is base64
// "user:password", `identitytoken` an OAuth refresh token). Credentials are never printed, logged or written.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LayerlensError, messageOf } from '../core/errors';

export type Credentials = { username: string; password: string } | { identityToken: string; username?: string };

/** The docker CLI files Docker Hub's credentials under its v1 index address (docker/cli registry.IndexServer). */
const HUB_CREDENTIAL_KEY = 'https://index.docker.io/v1/';

export interface CredentialLookupOptions {
  env?: NodeJS.ProcessEnv;
}

export function dockerConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** The credentials for a registry ("docker.io", "127.0.0.1:5000"), or undefined for anonymous access. */
export async function lookupCredentials(registry: string, options: CredentialLookupOptions = {}): Promise<Credentials | undefined> {
  const env = options.env ?? process.env;
  const file = dockerConfigFile(env);
  let config: DockerConfigFile;
  try {
    config = JSON.parse(await fs.readFile(file, 'utf8')) as DockerConfigFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LayerlensError(`Could not read the docker credentials file ${file}: ${messageOf(error).replace(/\.$/, '')}.`, 'bad-input');
  }
  const key = registry === 'docker.io' ? HUB_CREDENTIAL_KEY : registry;
  const helper = config.credHelpers?.[key] ?? config.credHelpers?.[registry] ?? config.credsStore;
  if (helper) {
    const found = await runCredentialHelper(helper, key, env);
    if (found) return found;
  }
  return fromAuthsEntry(findAuthsEntry(config.auths ?? {}, registry, key));
}

/** auths keys may be "host", "https://host" or "https://host/v1/" (docker/cli ConvertToHostname). */
function findAuthsEntry(auths: NonNullable<DockerConfigFile['auths']>, registry: string, key: string) {
  if (auths[key]) return auths[key];
  for (const [name, entry] of Object.entries(auths)) {
    const host = name.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (host === registry || (registry === 'docker.io' && name === HUB_CREDENTIAL_KEY)) return entry;
  }
  return undefined;
}

function fromAuthsEntry(entry: NonNullable<DockerConfigFile['auths']>[string] | undefined): Credentials | undefined {
  if (!entry) return undefined;
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  if (entry.identitytoken) return { identityToken: entry.identitytoken, username };
  return username && password ? { username, password } : undefined;
}

/**
 * `docker-credential-<name> get`, the server on stdin, `{"Username","Secret"}` on stdout; "<token>" as the user
 * name means the secret is an identity token. A helper that does not know the server says so and exits 1.
 */
export function runCredentialHelper(name: string, server: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials | undefined> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    return Promise.reject(new LayerlensError(`The credential helper name "${name}" in ${dockerConfigFile(env)} is not valid.`, 'bad-input'));
  }
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = execFile(program, ['get'], { env, maxBuffer: 1024 * 1024, windowsHide: true }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new LayerlensError(`The credential helper ${program} named in ${dockerConfigFile(env)} is not on PATH.`, 'bad-input'));
        // "credentials not found in native keychain": anonymous, as for the docker CLI. Its output is not shown: it may hold secrets.
        if (/credentials not found/i.test(stdout)) return resolve(undefined);
        return reject(new LayerlensError(`The credential helper ${program} failed for ${server} (exit ${typeof code === 'number' ? code : (error as { code?: unknown }).code ?? '?'}); run it by hand to see why.`, 'bad-input'));
      }
      try {
        const answer = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!answer.Secret) return resolve(undefined);
        if (answer.Username === '<token>') return resolve({ identityToken: answer.Secret });
        resolve({ username: answer.Username ?? '', password: answer.Secret });
      } catch {
        reject(new LayerlensError(`The credential helper ${program} answered something that is not JSON for ${server}.`, 'bad-input'));
      }
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(server);
  });
}
