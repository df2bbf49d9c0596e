// The clock every use-case reads; tests hand in a frozen one.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function frozenClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}
