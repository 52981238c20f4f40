// The token server a token-auth registry sends clients to (distribution's token spec, docs/spec/auth/token.md):
// GET /token?service=…&scope=repository:<name>:pull with Basic credentials, or the OAuth2 POST with a refresh
// token, answers a JWT signed RS256 with the key whose certificate is the registry's rootcertbundle. Anonymous
// requests get a token that grants nothing, as public registries grant nothing on private repositories.
import { createPrivateKey, createSign, X509Certificate, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

export interface TokenServerOptions {
  /** "http://127.0.0.1:PORT/token", as the registry's config names it. */
  realm: string;
  service: string;
  issuer: string;
  keyFile: string;
  certFile: string;
  user: string;
  password: string;
  /** A refresh token (an identity token in docker's words) that grants pull too. */
  refreshToken: string;
}

export interface TokenRequest {
  method: string;
  service?: string;
  scope?: string;
  /** How the client identified itself. */
  as: 'password' | 'refresh-token' | 'anonymous' | 'wrong';
}

export interface TokenServer {
  requests: TokenRequest[];
  close(): Promise<void>;
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const key = createPrivateKey(readFileSync(options.keyFile));
  const der = new X509Certificate(readFileSync(options.certFile)).raw.toString('base64');
  const requests: TokenRequest[] = [];
  const sign = (subject: string, scope: string | undefined, granted: boolean) => {
    const now = Math.floor(Date.now() / 1000);
    const [type, name, actions] = (scope ?? '').split(':');
    const claims = {
      iss: options.issuer,
      sub: subject,
      aud: options.service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access: granted && type === 'repository' && name ? [{ type, name, actions: (actions ?? '').split(',').filter((a) => a === 'pull') }] : [],
    };
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const body = `${encode({ alg: 'RS256', typ: 'JWT', x5c: [der] })}.${encode(claims)}`;
    return `${body}.${createSign('RSA-SHA256').update(body).sign(key).toString('base64url')}`;
  };
  const url = new URL(options.realm);
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const query = new URL(request.url ?? '/', options.realm).searchParams;
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const params = request.method === 'POST' ? form : query;
      const entry: TokenRequest = { method: request.method ?? '', service: params.get('service') ?? undefined, scope: params.get('scope') ?? undefined, as: 'anonymous' };
      requests.push(entry);
      const authorization = request.headers.authorization;
      if (request.method === 'POST') {
        entry.as = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === options.refreshToken ? 'refresh-token' : 'wrong';
      } else if (authorization) {
        const [user, password] = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
        entry.as = user === options.user && password === options.password ? 'password' : 'wrong';
      }
      if (entry.as === 'wrong') {
        response.writeHead(401, { 'Content-Type': 'application/json' });
        response.end('{"details":"incorrect username or password"}');
        return;
      }
      const token = sign(entry.as === 'anonymous' ? '' : options.user, entry.scope, entry.as !== 'anonymous');
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(request.method === 'POST' ? { access_token: token, expires_in: 300 } : { token, access_token: token, expires_in: 300 }));
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(Number(url.port), url.hostname, () => resolve()));
  return {
    requests,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}
