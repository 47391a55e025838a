/** Limits the bank rules hold questions to. */

export const TIME_LIMIT_MIN = 60
export const TIME_LIMIT_MAX = 3600
export const KEY_POINTS_MIN = 3
export const KEY_POINTS_MAX = 6
/** Two prompts sharing this share of word shingles are reported as near-duplicates. */
export const NEAR_DUPLICATE_SIMILARITY = 0.7
/** Bands of different calibration kinds may overlap by at most this many points (or half the narrower band). */
export const BAND_OVERLAP_MAX = 10
/** A question should name at least this many known wrong claims. */
export const RED_FLAGS_MIN = 2
