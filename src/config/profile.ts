// A profile resolved from the shared config/credentials files, the environment and flags,
// every value remembering its source. Built by config/resolve.ts (and the compat readers); read
// through typed getters that parse each key once, by the parser config/keys.ts gives it.
import { specOf, type KeyName, type ValueOf } from './keys';
import type { Setting, Source } from './source';

export interface ProfileInit {
  /** the profile name as the user wrote it (`default` for [default]) */
  name: string;
  /** where the name came from: an argument, --profile, AWS_PROFILE, AWS_PROFILE_ASSUME_ROLE, or the default */
  nameSource: Source;
  /**
   * Every setting that applies to this profile after precedence, as written:
   * flag > env > this profile (its credentials-file keys over its config-file keys, as the AWS CLI
   * merges them) > source_profile chain (only inherited keys) > [default] (only inherited keys) >
   * built-in default. Keys are lower-case as the AWS CLI treats them.
   */
  settings: ReadonlyMap<string, Setting<string>>;
  /**
   * the profile named by source_profile, resolved from the files (flags and environment apply only to
   * the profile asked for); cycles are refused while resolving. A profile naming itself (allowed when
   * it holds keys) gets a source profile holding just those keys.
   */
  sourceProfile?: Profile;
}

export class Profile {
  readonly name: string;
  readonly nameSource: Source;
  /** every setting as written, other tools' keys included (doctor shows them) */
  readonly settings: ReadonlyMap<string, Setting<string>>;
  readonly sourceProfile?: Profile;
  readonly #parsed = new Map<string, Setting<unknown> | undefined>();

  constructor(init: ProfileInit) {
    this.name = init.name;
    this.nameSource = init.nameSource;
    this.settings = init.settings;
    if (init.sourceProfile) this.sourceProfile = init.sourceProfile;
  }

  /**
   * The key's value parsed by its parser, with where it came from; undefined when the key is not set
   * (or is blank where blank means not set). Throws the parser's error, naming the value and its
   * source, for a value it cannot use.
   */
  get<K extends KeyName>(key: K): Setting<ValueOf<K>> | undefined {
    return this.parsed(key) as Setting<ValueOf<K>> | undefined;
  }

  /** The parsed value alone. */
  value<K extends KeyName>(key: K): ValueOf<K> | undefined {
    return this.get(key)?.value;
  }

  /** Any key parsed, `endpoint_url.s3` included (untyped: validation and doctor); other tools' keys are undefined. */
  parsed(key: string): Setting<unknown> | undefined {
    if (!this.#parsed.has(key)) this.#parsed.set(key, this.parse(key));
    return this.#parsed.get(key);
  }

  /** The same profile with other settings (its source_profile chain kept). */
  withSettings(settings: ReadonlyMap<string, Setting<string>>): Profile {
    return new Profile({ name: this.name, nameSource: this.nameSource, settings, sourceProfile: this.sourceProfile });
  }

  private parse(key: string): Setting<unknown> | undefined {
    const raw = this.settings.get(key);
    const spec = specOf(key);
    if (!raw || !spec) return undefined;
    const value = spec.parse(raw, key);
    return value === undefined ? undefined : { value, source: raw.source };
  }
}

/** The profile, then the profiles of its source_profile chain, nearest first. */
export function profileChain(profile: Profile): Profile[] {
  const chain: Profile[] = [];
  for (let p: Profile | undefined = profile; p; p = p.sourceProfile) chain.push(p);
  return chain;
}

/** The profile's name, then those it inherits settings from: its source_profile chain, then default. */
export function profileLineage(profile: Profile): string[] {
  return [...new Set([...profileChain(profile).map((p) => p.name), 'default'])];
}
