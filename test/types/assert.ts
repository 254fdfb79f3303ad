// Type-level assertions for the type tests: they compile only when the types are what we claim.

/** True when `A` and `B` are the same type (not merely assignable to each other). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when `T` is `true`: `expectTrue<Equal<typeof x, string>>()`. */
export function expectTrue<T extends true>(proof?: T): void {
  void proof;
}

/** A value of any type, for checking what a call accepts without running it. */
export declare function value<T>(): T;
