// Keys a profile sets that neither rolecall nor the AWS CLI reads but that are one or two edits from
// a key that is read (web_idenity_client_id, rol_arn): the setting meant is not set, so the profile
// does not work as written. doctor reports each as a failure; a command warns before it signs in.
import { KNOWN_KEYS } from './keys';
import { distance } from '../platform/suggest';
import { describeSource, type Setting } from './source';

export interface Misspelt {
  key: string;
  /** the known key it is nearest to */
  meant: string;
  setting: Setting<string>;
}

export function misspeltKeys(settings: ReadonlyMap<string, Setting<string>>): Misspelt[] {
  const found: Misspelt[] = [];
  for (const [key, setting] of settings) {
    // a key of three letters or fewer is two edits from s3 (the AWS CLI's section key) without being meant for it
    if (KNOWN_KEYS.has(key) || key.length <= 3) continue;
    const near = [...KNOWN_KEYS]
      .map((known) => ({ known, d: distance(key, known) }))
      .filter(({ d }) => d <= 2)
      .sort((a, b) => a.d - b.d);
    if (near[0]) found.push({ key, meant: near[0].known, setting });
  }
  return found;
}

export function misspeltMessage(profileName: string, m: Misspelt): string {
  return `${m.key} (${describeSource(m.setting.source)}) of profile ${profileName} is read by neither rolecall nor the AWS CLI: did you mean ${m.meant}?`;
}
