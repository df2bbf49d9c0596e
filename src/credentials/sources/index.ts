// The credential sources, in the order a profile is offered to them: the first that recognises it
// plans its steps. A sign-in that names its own role (SAML, web identity) comes before a role over
// another profile's credentials, which comes before an Identity Center role (as the AWS CLI orders
// them); static keys take every profile left, with the MFA session over them, which is never a
// profile's source on its own. Adding a source is a
// module beside these and one line here (docs/architecture.md, "Adding a credential source").
import { RolecallError } from '../../errors';
import type { Step } from '../../plan/step';
import { assumeRole } from './assume-role';
import { credentialProcess } from './credential-process';
import { identityCenter } from './identity-center';
import { mfaSession } from './mfa-session';
import { saml } from './saml';
import type { CredentialSource } from './source';
import { staticKeys } from './static-keys';
import { webIdentity } from './web-identity';

export const SOURCES: readonly CredentialSource[] = [saml, webIdentity, assumeRole, identityCenter, credentialProcess, staticKeys, mfaSession];

/** The source that runs a step of this kind. */
export function sourceOf(step: Step, sources: readonly CredentialSource[] = SOURCES): CredentialSource {
  const source = sources.find((s) => s.kinds.includes(step.kind));
  if (!source) throw new RolecallError('INTERNAL', `no credential source runs steps of kind ${step.kind}`);
  return source;
}

/** One line per step for doctor, --debug and the credentials' source chain. */
export function describeStep(step: Step): string {
  return sourceOf(step).describe(step);
}
