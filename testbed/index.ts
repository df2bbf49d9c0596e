// Starts the whole testbed in-process: the IdP first (its address goes into the world), then the
// validating AWS emulator (STS, IAM, federation endpoint). Used by tests, the demo and `npm run testbed`.
import { dirname } from 'node:path';
import { DEFAULT_WORLD, loadWorld, type World, type WorldSettings } from './world';
import { startIdp, type Idp, type IdpOptions } from './idp/index';
import { startAws, type AwsEmulator } from './aws/index';

export interface TestbedOptions {
  worldPath?: string;
  /** overrides of the world's settings, e.g. { minSessionSeconds: 20 } */
  settings?: Partial<WorldSettings>;
  /** change the world after loading (add a role, a user) */
  edit?: (world: World) => void;
  idpPort?: number;
  awsPort?: number;
  /** how the IdP answers: its shape (Keycloak, Google, Okta), client authentication, TLS (./idp/index.ts) */
  idp?: Omit<IdpOptions, 'port'>;
}

export interface Testbed {
  world: World;
  idp: Idp;
  aws: AwsEmulator;
  close(): Promise<void>;
}

export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const worldPath = options.worldPath ?? DEFAULT_WORLD;
  const prepare = (replacements: Record<string, string>) => {
    const world = loadWorld(worldPath, replacements);
    world.settings = { ...world.settings, ...options.settings };
    options.edit?.(world);
    return world;
  };
  // the IdP needs users and clients only, which hold no placeholders
  const idp = await startIdp(prepare({}), { ...options.idp, port: options.idpPort });
  const issuer = new URL(idp.issuer);
  const world = prepare({ IDP_ISSUER: idp.issuer, IDP_HOST: `${issuer.host}${issuer.pathname.replace(/\/$/, '')}` });
  const aws = await startAws(world, { worldDir: dirname(worldPath), port: options.awsPort });
  if (options.idp?.tls) aws.pinIssuerKeys(idp.issuer, await idp.jwks());
  return {
    world,
    idp,
    aws,
    async close() {
      await Promise.all([idp.close(), aws.close()]);
    },
  };
}
