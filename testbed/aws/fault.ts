// An error answer of the emulator, shaped like AWS's: Query-protocol services answer
// <ErrorResponse><Error><Type>Sender</Type><Code>..</Code><Message>..</Message></Error>.
// Codes, messages and HTTP statuses are AWS's own so that the SDKs and the CLI map them as in production.
export class AwsFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export const invalidClientTokenId = () => new AwsFault('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);

export const signatureDoesNotMatch = () =>
  new AwsFault(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    403,
  );

export const expiredToken = () => new AwsFault('ExpiredToken', 'The security token included in the request is expired', 400);

export const accessDenied = (message: string) => new AwsFault('AccessDenied', message, 403);

export const validationError = (message: string) => new AwsFault('ValidationError', message, 400);

export const invalidIdentityToken = (message: string) => new AwsFault('InvalidIdentityToken', message, 400);

export const expiredTokenException = (message: string) => new AwsFault('ExpiredTokenException', message, 400);

/** AWS's wording for a parameter that breaks its constraint, e.g. "1 validation error detected: Value 'x' at 'roleSessionName' ..." */
export const constraint = (value: string, member: string, rule: string) =>
  validationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${rule}`);
