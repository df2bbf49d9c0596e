// ignore_configured_endpoint_urls (profile key) and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, as botocore
// reads them: when true, every endpoint the configuration sets is ignored (endpoint_url and the
// services section of the config file, and the AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>
// variables too) and each service's own AWS endpoint is used. The variable beats the key, and the
// key is the named profile's own: it decides for every profile of its source_profile chain, as the
// SDKs' one setting decides for every client of a session.
import * as parse from './parse';
import { Profile } from './profile';
import type { Setting } from './source';

export const IGNORE_ENDPOINTS_KEY = 'ignore_configured_endpoint_urls';

const isEndpoint = (key: string) => key === 'endpoint_url' || key.startsWith('endpoint_url.');

/**
 * Whether these settings (a profile's own, with the environment over them) say to ignore the
 * configured endpoints. A value other than true or false ignores nothing here: validating the
 * profile refuses it, naming where it is, and doctor reports it beside everything else.
 */
export function ignoresConfiguredEndpoints(settings: ReadonlyMap<string, Setting<string>>): boolean {
  const value = settings.get(IGNORE_ENDPOINTS_KEY);
  try {
    return value !== undefined && parse.trueOrFalse(value, IGNORE_ENDPOINTS_KEY);
  } catch {
    return false;
  }
}

/** The settings without any endpoint_url, endpoint_url.<service> key. */
export function withoutEndpoints(settings: ReadonlyMap<string, Setting<string>>): Map<string, Setting<string>> {
  return new Map([...settings].filter(([key]) => !isEndpoint(key)));
}

/** The profile, and each of its source_profile chain, without the endpoints, when its settings say to ignore them. */
export function honourIgnoredEndpoints(profile: Profile): Profile {
  if (!ignoresConfiguredEndpoints(profile.settings)) return profile;
  const strip = (p: Profile): Profile =>
    new Profile({ name: p.name, nameSource: p.nameSource, settings: withoutEndpoints(p.settings), sourceProfile: p.sourceProfile && strip(p.sourceProfile) });
  return strip(profile);
}
