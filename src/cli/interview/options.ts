/** `mockint interview`'s flags (the command registers them; this controller runs the session). */
export interface InterviewOptions {
  category?: string[]
  difficulty?: string
  count: number
  time?: number
  lang?: 'en' | 'zh'
  followUps: number
  seed?: number
  adaptive?: boolean
  editor?: boolean
  strictTime?: boolean
  resume?: string | boolean
  judge?: string
  provider?: string
  model?: string
  baseUrl?: string
  bank?: string[]
}
