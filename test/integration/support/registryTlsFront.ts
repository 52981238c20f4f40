// A TLS front for a plain loopback registry, with a certificate for a host name (`secure.layerlens.test`) signed by
// a CA made here by openssl: a registry whose CA is in no store unless the test puts it there. In front of the
// test's forward proxy, with an address for a name (127.0.0.1), it makes an https:// proxy.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, isIP, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer } from 'node:tls';

export interface RegistryTlsFront {
  port: number;
  /** The CA that signed the front's certificate (PEM file). */
  caFile: string;
  close(): Promise<void>;
}

/** `registryPort`: the loopback port the decrypted connections go to. */
export async function startRegistryTlsFront(dir: string, hostName: string, registryPort: number): Promise<RegistryTlsFront> {
  mkdirSync(dir, { recursive: true });
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=layerlens-test-ca', '-keyout', 'ca-key.pem', '-out', 'ca.pem']);
  writeFileSync(join(dir, 'san.cnf'), `subjectAltName=${isIP(hostName) ? 'IP' : 'DNS'}:${hostName}\n`);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${hostName}`, '-keyout', 'server-key.pem', '-out', 'server.csr']);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-out', 'server.pem', '-extfile', 'san.cnf']);
  const sockets = new Set<Socket>();
  const server = createServer({ key: readFileSync(join(dir, 'server-key.pem')), cert: readFileSync(join(dir, 'server.pem')) }, (tlsSocket) => {
    const upstream = connect(registryPort, '127.0.0.1');
    sockets.add(tlsSocket).add(upstream);
    tlsSocket.pipe(upstream).pipe(tlsSocket);
    const close = () => {
      tlsSocket.destroy();
      upstream.destroy();
    };
    tlsSocket.on('error', close);
    upstream.on('error', close);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, caFile: join(dir, 'ca.pem'), close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
