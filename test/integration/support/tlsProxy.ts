// A TLS front for a local engine socket, so tcp+TLS hosts (DOCKER_TLS_VERIFY / DOCKER_CERT_PATH) can be tested
// for real: mutual TLS with certificates made here by openssl, each connection piped to the unix socket.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';

export interface TlsFront {
  port: number;
  /** Has ca.pem, cert.pem and key.pem for a client, as DOCKER_CERT_PATH expects. */
  clientCertDir: string;
  /** Client material signed by another CA: must be refused. */
  strangerCertDir: string;
  close(): Promise<void>;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1, and a client certificate, in `dir/<name>/`. */
function makeCertificates(dir: string, name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}-ca`, '-keyout', 'ca-key.pem', '-out', 'ca.pem'], d);
  writeFileSync(join(d, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['server', 'client']) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who}`, '-keyout', `${who}-key.pem`, '-out', `${who}.csr`], d);
    const extra = who === 'server' ? ['-extfile', 'san.cnf'] : [];
    openssl(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-out', `${who}.pem`, ...extra], d);
  }
  const client = join(d, 'client-dir');
  mkdirSync(client);
  writeFileSync(join(client, 'ca.pem'), readFileSync(join(d, 'ca.pem')));
  writeFileSync(join(client, 'cert.pem'), readFileSync(join(d, 'client.pem')));
  writeFileSync(join(client, 'key.pem'), readFileSync(join(d, 'client-key.pem')));
  return d;
}

export async function startTlsFront(dir: string, socketPath: string): Promise<TlsFront> {
  const main = makeCertificates(dir, 'main');
  const stranger = makeCertificates(dir, 'stranger');
  const server: Server = createServer(
    {
      key: readFileSync(join(main, 'server-key.pem')),
      cert: readFileSync(join(main, 'server.pem')),
      ca: readFileSync(join(main, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (tlsSocket) => {
      const upstream = connect(socketPath);
      tlsSocket.pipe(upstream).pipe(tlsSocket);
      const close = () => {
        tlsSocket.destroy();
        upstream.destroy();
      };
      tlsSocket.on('error', close);
      upstream.on('error', close);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    clientCertDir: join(main, 'client-dir'),
    strangerCertDir: join(stranger, 'client-dir'),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
