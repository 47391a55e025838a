// What makes a message catalogue complete. A catalogue is a plain object: a message is a string, or a function
// whose parameters are its placeholders. Other languages are written `satisfies` the English catalogue's
// type, so a key missing or added, or a parameter of the wrong type, fails the typecheck. TypeScript would
// still accept a translation that takes fewer parameters (one that drops a placeholder); `SameArity` closes
// that gap.

/** How many parameters (optional ones included) every message function in a catalogue takes, by key. */
export type ArityOf<M> = M extends (...args: infer A) => unknown
  ? Required<A>['length']
  : M extends string | number | boolean | RegExp
    ? never
    : { [K in keyof M]: ArityOf<M[K]> }

/**
 * `true` when the message functions of catalogue `T` take as many parameters as those of `M`, key by key.
 * Used as `const check: SameArity<typeof zh, Messages> = true`, which fails to compile otherwise.
 */
export type SameArity<T, M> = [ArityOf<T>] extends [ArityOf<M>] ? ([ArityOf<M>] extends [ArityOf<T>] ? true : false) : false
