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
  private server!: Server;
  private keys: SigningKey[] = [];
  private jwks: object = { keys: [] };

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async start(): Promise<this> {
    for (const [kid, alg] of [['rsa-1', 'RS256'], ['ec-1', 'ES256']] as const) {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      this.keys.push({ kid, alg, privateKey, publicPem: await exportSPKI(publicKey) });
    }
    this.jwks = {
      keys: await Promise.all(
        this.keys.map(async (key) => ({ ...(await exportJWK(await publicKeyOf(key))), kid: key.kid, alg: key.alg, use: 'sig' })),
      ),
    };
    this.server = createServer((_req, res) => {
      res.writeHead(this.failing ? 500 : 200, { 'content-type': 'application/json' });
      res.end(this.failing ? '{"error":"down"}' : JSON.stringify(this.jwks));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The RSA public key as PEM, for forging an HS256 token keyed with it (the classic confusion attack). */
  rsaPublicPem(): string {
    return this.key('RS256').publicPem;
  }

  async sign(alg: 'RS256' | 'ES256', claims: JWTPayload, options: { kid?: string; expiresIn?: string | number } = {}): Promise<string> {
    const key = this.key(alg);
    const jwt = new SignJWT(claims).setProtectedHeader({ alg, kid: options.kid ?? key.kid }).setIssuedAt();
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
