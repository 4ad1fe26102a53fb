// phpredis's `stream[...]` ssl context options (TlsSettings) → Node TLS options.
import { readdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { checkServerIdentity, type ConnectionOptions as TlsConnectOptions } from 'node:tls';
import type { TlsSettings } from '../connectionTarget.ts';

/** phpredis `stream[...]` options → Node TLS options. */
export function tlsOptions(
  tls: TlsSettings,
  host: string | undefined,
  readFile: (path: string) => Buffer,
): TlsConnectOptions {
  const o: TlsConnectOptions = {
    // Node has no "accept self-signed but verify the rest": allow_self_signed turns verification off.
    rejectUnauthorized: tls.verifyPeer && !tls.allowSelfSigned,
  };
  if (!tls.verifyPeerName) o.checkServerIdentity = () => undefined;
  const ca: Buffer[] = [];
  if (tls.caFile) ca.push(readFile(tls.caFile));
  if (tls.caPath) {
    for (const name of readdirSync(tls.caPath)) {
      if (/\.(pem|crt|cer)$/i.test(name)) ca.push(readFile(join(tls.caPath, name)));
    }
  }
  if (ca.length) o.ca = ca;
  // PHP's local_cert may hold the key too; Node finds both in the same PEM.
  if (tls.certFile) o.cert = readFile(tls.certFile);
  if (tls.keyFile) o.key = readFile(tls.keyFile);
  else if (tls.certFile) o.key = o.cert;
  if (tls.passphrase) o.passphrase = tls.passphrase;
  if (tls.ciphers) o.ciphers = tls.ciphers;
  const name = tls.peerName ?? host;
  // SNI may not carry an IP address; an IP is still checked against the certificate's SAN.
  if (tls.sniEnabled !== false && name && isIP(name) === 0) o.servername = name;
  if (tls.peerName && tls.verifyPeerName) {
    const expected = tls.peerName;
    // The certificate must name peer_name, whatever address we dialled.
    o.checkServerIdentity = (_host, cert) => checkServerIdentity(expected, cert);
  }
  return o;
}
