import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, importSPKI, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicPem: string;
}

/** A real identity provider's key endpoint on a local port, with the private keys to sign test tokens. */
export class JwksServer {
  /** Set to make the endpoint answer 500, as an identity provider outage would. */
  failing = false;
  /** How many times the key set was asked for, outages included. */
  requests = 0;
  private server!: Server;
  private keys: SigningKey[] = [];
  private jwks: object = { keys: [] };

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async start(): Promise<this> {
    await this.publish('rsa-1', 'RS256');
    await this.publish('ec-1', 'ES256');
    this.server = createServer((_req, res) => {
      this.requests += 1;
      res.writeHead(this.failing ? 500 : 200, { 'content-type': 'application/json' });
      res.end(this.failing ? '{"error":"down"}' : JSON.stringify(this.jwks));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Generates a key pair and lists its public half from now on, as a key rotation at the provider does. */
  async publish(kid: string, alg: 'RS256' | 'ES256'): Promise<void> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    this.keys.push({ kid, alg, privateKey, publicPem: await exportSPKI(publicKey) });
    this.jwks = {
      keys: await Promise.all(
        this.keys.map(async (key) => ({ ...(await exportJWK(await publicKeyOf(key))), kid: key.kid, alg: key.alg, use: 'sig' })),
      ),
    };
  }

  /** The RSA public key as PEM, for forging an HS256 token keyed with it (the classic confusion attack). */
  rsaPublicPem(): string {
    return this.key('RS256').publicPem;
  }

  /** Signs with the first key of `alg`; `kid` only changes the header (a key the provider does not list). */
  async sign(alg: 'RS256' | 'ES256', claims: JWTPayload, options: { kid?: string; expiresIn?: string | number } = {}): Promise<string> {
    return this.signWithKey(this.key(alg), claims, options);
  }

  /** Signs with the published key `kid`. */
  async signWith(kid: string, claims: JWTPayload, options: { expiresIn?: string | number } = {}): Promise<string> {
    return this.signWithKey(this.keys.find((key) => key.kid === kid)!, claims, options);
  }

  private async signWithKey(key: SigningKey, claims: JWTPayload, options: { kid?: string; expiresIn?: string | number }): Promise<string> {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid }).setIssuedAt();
    if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
    return jwt.sign(key.privateKey);
  }

  private key(alg: 'RS256' | 'ES256'): SigningKey {
    return this.keys.find((key) => key.alg === alg)!;
  }
}

async function publicKeyOf(key: SigningKey): Promise<CryptoKey> {
  return importSPKI(key.publicPem, key.alg, { extractable: true });
}
