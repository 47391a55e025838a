import { stem } from './stem.js'

/**
 * Groups of words a grader treats as saying the same thing in a short technical answer (general English
 * plus CS/ML usage). Used only by the free-text scorer, where a reference answer and a student answer use
 * different words for one idea. Each word belongs to one group; matching happens on stems.
 */
const GROUPS: readonly string[] = [
  'big large huge bigger larger',
  'small little tiny smaller',
  'fast quick rapid quickly faster speedy',
  'new unseen fresh novel',
  'remove delete drop discard erase eliminate',
  'add insert append',
  'create instantiate construct',
  'initialize initialise init setup',
  'variable field attribute member property',
  'function method procedure routine subroutine',
  'error loss',
  'minimize minimise reduce decrease lower shrink diminish',
  'maximize maximise increase raise grow enlarge',
  'half halve halves halving',
  'begin start',
  'end finish terminate halt',
  'storage ram',
  'repeat iterate repeatedly',
  'element item entry',
  'oldest earliest',
  'recent latest newest',
  'position slot location bucket spot cell',
  'pointer link',
  'search find lookup',
  'call invoke',
  'argument parameter param',
  'probability likelihood',
  'train fit learn',
  'generalize generalise',
  'memorize memorise',
  'complex complicated',
  'simple easy',
  'copy duplicate clone',
  'hide encapsulate conceal',
  'reuse share',
  'prevent avoid',
  'fix solve resolve',
  'collision clash conflict',
  'neuron unit',
  'random stochastic randomly',
  'penalty penalize penalise punish',
  'gradient slope derivative',
  'descent downhill descend',
  'fraction proportion percentage',
  'sample example instance',
  'dataset data',
  'correct right accurate',
  'wrong incorrect',
  'fail failure',
  'store save',
  'allocate reserve',
  'many multiple several',
  'whole entire',
  'every each',
  'stop abort',
  'modify change alter update',
  'compute calculate',
  'show display print',
  'check verify test',
  'run execute',
  'sorted ordered',
  'logarithmic log logn logarithm',
  'exponential exponent exp',
  'answer result',
]

const CANON = new Map<string, string>()
for (const g of GROUPS) {
  const stems = g.split(/\s+/).map(stem)
  const head = stems[0] as string
  for (const s of stems) if (!CANON.has(s)) CANON.set(s, head)
}

/** The representative stem of `s`'s synonym group, or `s` itself. `s` is a stem from {@link stem}. */
export function canonical(s: string): string {
  return CANON.get(s) ?? s
}
