// Registries that may be spoken to without a verified certificate: loopback (as Docker allows by default) and
// the hosts the user names (`--insecure-registry HOST`, the `layerlens.insecureRegistries` setting), as dockerd's
// `insecure-registries`: a host[:port] exactly as it appears in references, or a CIDR range of addresses.
// Such a registry is tried over HTTPS without verification first, then over plain HTTP (registryClient.ts).
import { BlockList, isIP } from 'node:net';
import { LayerlensError } from '../core/errors';
import { isLoopbackHost } from './reference';

export class InsecureRegistries {
  private readonly hosts = new Set<string>();
  private readonly ranges = new BlockList();

  /** `names` as the user gave them; a malformed one is refused in one sentence naming `source`. */
  constructor(names: readonly string[] = [], source = '--insecure-registry') {
    for (const raw of names) {
      const name = raw.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
      const cidr = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(name);
      if (cidr && isIP(cidr[1])) {
        const family = isIP(cidr[1]) === 4 ? 'ipv4' : 'ipv6';
        const prefix = Number(cidr[2]);
        if (prefix > (family === 'ipv4' ? 32 : 128)) throw bad(raw, source);
        this.ranges.addSubnet(cidr[1], prefix, family);
      } else if (/^(\[[0-9a-f:]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:\d{1,5})?$/.test(name)) {
        this.hosts.add(name);
      } else {
        throw bad(raw, source);
      }
    }
  }

  /** Whether the registry at host[:port] may go without a verified certificate (or without TLS). */
  allows(hostPort: string): boolean {
    const name = hostPort.toLowerCase();
    if (isLoopbackHost(name) || this.hosts.has(name)) return true;
    const host = name.startsWith('[') ? name.slice(1, name.indexOf(']')) : name.replace(/:\d+$/, '');
    const family = isIP(host);
    return family !== 0 && this.ranges.check(host, family === 4 ? 'ipv4' : 'ipv6');
  }
}

function bad(name: string, source: string): LayerlensError {
  return new LayerlensError(`${source} "${name}" is not a registry host: give HOST[:PORT] as in image references, or an address range such as 10.0.0.0/8.`, 'bad-input');
}
