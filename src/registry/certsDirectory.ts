// A registry's own TLS files, where dockerd reads them (docs: "Verify repository client with certificates"):
// `/etc/docker/certs.d/<host[:port]>/` holds CA certificates (`*.crt`) and a client certificate and key
// (`<name>.cert` with `<name>.key`).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export const CERTS_DIRECTORY = '/etc/docker/certs.d';

export interface TlsFiles {
  ca: Buffer[];
  cert?: Buffer;
  key?: Buffer;
}

/** The files for this registry, or undefined when it has no directory there. */
export async function tlsFilesFor(registry: string, root = CERTS_DIRECTORY): Promise<TlsFiles | undefined> {
  const dir = join(root, registry);
  let names: string[];
  try {
    names = (await fs.readdir(dir)).sort();
  } catch {
    return undefined;
  }
  const files: TlsFiles = { ca: [] };
  for (const name of names) {
    if (name.endsWith('.crt')) files.ca.push(await fs.readFile(join(dir, name)));
    else if (name.endsWith('.cert') && names.includes(name.replace(/\.cert$/, '.key'))) {
      files.cert = await fs.readFile(join(dir, name));
      files.key = await fs.readFile(join(dir, name.replace(/\.cert$/, '.key')));
    }
  }
  return files;
}
