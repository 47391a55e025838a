// What makes a message catalogue complete. A catalogue is a plain object: a message is a string, or a function
// whose parameters are its placeholders. Other languages are written `satisfies` the English catalogue's
// type, so a key missing or added, or a parameter of the wrong type, fails the typecheck. TypeScript would
// still accept a translation that takes fewer parameters (one that drops a placeholder); `SameParams` closes
// that gap.

/** The parameter list of every message function in a catalogue, by key; `never` for any other value. */
export type ParamsOf<M> = M extends (...args: infer A) => unknown
  ? A
  : M extends string | number | boolean | RegExp
    ? never
    : { [K in keyof M]: ParamsOf<M[K]> }

/**
 * `true` when the message functions of catalogue `T` take exactly the parameters of those in `M`, key by
 * key. Used as `const check: SameParams<typeof zh, Messages> = true`, which fails to compile otherwise.
 */
export type SameParams<T, M> = [ParamsOf<T>] extends [ParamsOf<M>] ? ([ParamsOf<M>] extends [ParamsOf<T>] ? true : false) : false
