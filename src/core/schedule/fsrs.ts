import { createEmptyCard, fsrs, Rating, type Card, type Grade as FsrsGrade } from 'ts-fsrs'

/** One past grade of a question, from a session file. */
export interface PastGrade {
  question_id: string
  /** 0–100. */
  overall: number
  at: Date
}

export interface QuestionSchedule {
  question_id: string
  card: Card
  reviews: number
  last_overall: number | null
  /** 0–1: the chance, by the FSRS model, that the candidate would still answer well now. */
  retrievability: number
  due: Date
}

/** Maps an overall score to an FSRS rating: under 40 again, under 60 hard, under 80 good, else easy. */
export function ratingFor(overall: number): FsrsGrade {
  if (overall < 40) return Rating.Again
  if (overall < 60) return Rating.Hard
  if (overall < 80) return Rating.Good
  return Rating.Easy
}

/** Replays each question's past grades, oldest first, through FSRS. */
export function scheduleQuestions(grades: readonly PastGrade[], now: Date): Map<string, QuestionSchedule> {
  const f = fsrs({ enable_fuzz: false })
  const out = new Map<string, QuestionSchedule>()
  const sorted = [...grades].sort((a, b) => a.at.getTime() - b.at.getTime())
  for (const g of sorted) {
    const prev = out.get(g.question_id)
    const card: Card = prev?.card ?? createEmptyCard<Card>(g.at)
    const next = f.next(card, g.at, ratingFor(g.overall)).card
    out.set(g.question_id, {
      question_id: g.question_id,
      card: next,
      reviews: (prev?.reviews ?? 0) + 1,
      last_overall: g.overall,
      retrievability: 0,
      due: next.due,
    })
  }
  for (const s of out.values()) s.retrievability = f.get_retrievability(s.card, now, false)
  return out
}

/**
 * Ranks question ids for an adaptive session, most needed first: questions that are due (lowest
 * retrievability, then lowest last score), then questions never answered (in the given order), then the
 * rest by due date.
 */
export function rankForReview(questionIds: readonly string[], grades: readonly PastGrade[], now: Date): string[] {
  const sched = scheduleQuestions(grades, now)
  const due: QuestionSchedule[] = []
  const unseen: string[] = []
  const later: QuestionSchedule[] = []
  for (const id of questionIds) {
    const s = sched.get(id)
    if (!s) unseen.push(id)
    else if (s.due.getTime() <= now.getTime()) due.push(s)
    else later.push(s)
  }
  due.sort((a, b) => a.retrievability - b.retrievability || (a.last_overall ?? 0) - (b.last_overall ?? 0))
  later.sort((a, b) => a.due.getTime() - b.due.getTime())
  return [...due.map((s) => s.question_id), ...unseen, ...later.map((s) => s.question_id)]
}
