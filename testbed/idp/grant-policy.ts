// Which client may use which custom grant. oidc-provider answers a client whose metadata lacks a
// grant with invalid_request; RFC 6749 (5.2) says unauthorized_client, which is what clients of a
// real IdP see. So the custom grants are in every client's oidc-provider metadata and the world's
// idpClients[].grant_types decide here.
import { errors, type Context } from 'oidc-provider';
import type { World } from '../world';

export function assertClientMayUse(world: World, ctx: Context, grantType: string): void {
  const clientId = ctx.oidc.client?.clientId;
  const client = world.idpClients.find((candidate) => candidate.client_id === clientId);
  if (!client?.grant_types.includes(grantType)) {
    throw new errors.UnauthorizedClient(`client ${clientId ?? '(none)'} may not use the ${grantType} grant`);
  }
}
