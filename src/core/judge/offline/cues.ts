import { LazyScreens, TextGrams, type LiteralScreen } from '../../text/regex-screen.js'

/**
 * Generic cues of each rung of the ladder, the same for every question: what the rubric's level
 * descriptors ask for, in words any answer on any topic uses when it does that. Principle asks for a
 * causal step, a formula or quantity, and the mechanism's limits; scenario for a choice among options with
 * the deciding constraint; engineering for components, settings and failure handling; observability for
 * metrics, offline evaluation, production monitoring and alerts. Each entry is one family of cues and
 * counts once. They run on the normalised answer (lower case, folded quotes and dashes).
 *
 * Cues only say that an answer works on a rung; how much they count is fitted on blind-graded answers
 * (model.json), and a rung's level also needs the question's own key points to rise far.
 */
export type CueList = readonly RegExp[]

const principle: CueList = [
  /\b(?:because|since the|due to|the reason|that's why|which is why)\b|因为|由于|原因/,
  /\b(?:so that|which means|that means|therefore|hence|as a result|results? in|leads? to|causes?|causing)\b|所以|因此|从而|导致|使得|也就是说/,
  /\b(?:mechanism|under the hood|intuition|works by|the idea is|in effect|essentially)\b|机制|原理|本质|核心思想/,
  /\b(?:proportional|quadratic|linear(?:ly)? in|scales? (?:with|as|linearly|quadratically)|o\(\s*n|exponent|logarithm|gradient|variance|probabilit|distribution)\w*|成正比|平方|线性|梯度|方差|概率|分布/,
  /[=≈∝]|\b\d+(?:\.\d+)?\s*(?:x|×)\b|×/,
  /\b(?:breaks? down|fails? when|stops? working|limitation|limit of|at the cost of|trades? (?:off|away)|downside|drawback|caveat|the catch)\b|局限|代价|失效|缺点|弊端|副作用|前提是/,
  /\b(?:compared to|relative to|instead of|unlike|whereas)\b|相比|而不是|不同于/,
]

const scenario: CueList = [
  /\btrade-?offs?\b|取舍|权衡|折中/,
  /\b(?:versus|vs\.?|compared (?:to|with)|rather than|instead of|over the other|better than|worse than)\b|相比|对比|而不是|优于|不如/,
  /\b(?:depends? on|it depends|in (?:this|our|that) case|for this (?:scenario|case|workload|use case)|given (?:the|our|that))\b|取决于|看场景|这个场景|在这种情况下|考虑到/,
  /\b(?:i(?:'d| would)|we(?:'d| would)) (?:choose|pick|go with|use|start with|prefer|recommend|opt for)\b|\bmy (?:choice|pick|recommendation)\b|我会选|我倾向|我会用|优先选|首选|建议/,
  /\b(?:option|alternative|approach(?:es)?|candidate)s?\b|方案|选项|备选|替代/,
  /\b(?:cheaper|more expensive|costs?|budget|\$\s*\d|dollars?|per (?:token|request|hour|month)|break-?even)\b|成本|预算|费用|便宜|贵|划算|临界点/,
  /\b(?:latency|throughput|qps|tokens?\/s|memory|vram|accuracy|quality|risk)\b|延迟|吞吐|显存|质量|风险|准确率/,
  /\b(?:if|when|unless|once)\b[^.]{0,80}\b(?:then|wins?|would|switch|better|prefer)\b|如果.{0,30}(?:就|则|会|更)/,
  /\b(?:fallback|fall back|plan b|escape hatch|backup plan)\b|兜底|降级|回退|备用/,
]

const engineering: CueList = [
  /\b(?:implement|build|built|wire|write|wrote|ship|shipped|deploy|deployed|set up|stand up)\w*\b|实现|搭建|构建|部署|上线|落地|开发/,
  /\b(?:pipeline|service|component|worker|endpoint|api|gateway|proxy|sidecar|queue|scheduler|router|index)\w*\b|流水线|服务|组件|网关|队列|调度|路由|索引|接口/,
  /\b(?:config\w*|set (?:\w+ ){0,3}to|parameter|flag|setting|hyperparameter|knob)\b|配置|参数|设置为|设成/,
  /\b(?:retry|retries|timeout|backoff|circuit breaker|rate limit\w*|idempoten\w*|dead letter|graceful)\b|重试|超时|退避|熔断|限流|幂等/,
  /\b(?:rollout|roll out|canary|roll ?back|shadow|feature flag|blue-?green|staged|gradual)\b|灰度|回滚|影子|金丝雀|分阶段/,
  /\b(?:cache|caching|batch\w*|shard\w*|replica\w*|partition\w*|autoscal\w*|scale out|horizontal\w*)\b|缓存|批|分片|副本|扩容|分区|自动扩缩/,
  /\b\d+(?:\.\d+)?\s*(?:ms|s|gb|gib|mb|kb|tb|k|m|b|%|x|gpus?|nodes?|tokens?|qps|rps|h100s?|a100s?)\b/,
  /\b(?:vllm|sglang|tensorrt|triton|kubernetes|k8s|redis|kafka|postgres|pytorch|torch|cuda|docker|ray|deepspeed|fsdp|huggingface|transformers)\b/,
  // A call: a word character right before `(` (as `\w+\(` reads it: cues are only tested, and `\w+` before
  // `(` matches where its last character does, without retrying every start inside a word).
  /\b(?:def |class |return |import |async |await )|\w\([^)]*\)|```/,
  /\b(?:edge case|corner case|failure mode|fails?|failure|error handling|exception|oom|crash\w*)\b|边界|异常|故障|失败|报错|兜底/,
]

const observability: CueList = [
  /\b(?:metrics?|kpis?|measure\w*|quantif\w*)\b|指标|度量|衡量|量化/,
  /\b(?:monitor\w*|dashboards?|observab\w*|telemetry|grafana|prometheus|datadog)\b|监控|看板|大盘|可观测/,
  /\b(?:alert\w*|pag(?:e|ing)|on-?call|threshold\w*|slos?|slas?)\b|告警|报警|阈值|值班/,
  /\bp(?:50|90|95|99|999)\b|\bpercentiles?\b|分位/,
  /\b(?:eval|evals|evaluat\w*|benchmark\w*|test set|held-?out|golden (?:set|data\w*)|ground truth|labell?ed)\b|评估|评测|基准|测试集|标注|黄金集/,
  /\b(?:a\/b|ab test\w*|online experiment|experiment\w*|shadow traffic|interleav\w*)\b|a\/b|实验|对照/,
  /\b(?:regression\w*|gate|gating|ci|release criteria|before (?:each|every) release)\b|回归|门禁|卡点/,
  /\b(?:drift\w*|distribution shift|trend\w*|over time|week(?:ly)?|daily|stabilit\w*)\b|漂移|趋势|每周|每天|稳定性/,
  /\b(?:log(?:s|ging|ged)?|trac(?:e|es|ing)|spans?|sampl(?:e|ed|ing) (?:of )?(?:traffic|requests|conversations|outputs))\b|日志|链路|追踪|抽样|埋点/,
  /\b(?:precision|recall|f1|accuracy|error rate|success rate|win[- ]rate|pass@\w+|ndcg|mrr|auc|perplexity|latency|ttft|tpot|throughput)\b|准确率|召回|精确率|错误率|成功率|胜率|首字延迟/,
  /\b(?:human review\w*|manual review|spot[- ]check\w*|annotator\w*|llm[- ]as[- ]a[- ]judge|judge)\b|人工复核|人工评估|人工抽检|人工审核/,
  /\b(?:root cause|trace (?:it |this |a failure )?back|attribut\w*|debug\w*|postmortem|post-mortem)\b|根因|归因|复盘|定位/,
]

/** The cues of each rung of the `llm-engineer` ladder, by dimension id. */
export const RUNG_CUES: Record<string, CueList> = { principle, scenario, engineering, observability }

/**
 * The rungs of a behavioural story, as the rubric's `behavioural` reading defines them: principle = the root
 * cause explained; scenario = the decision taken and the options rejected, with the constraints; engineering
 * = the fix and what was built; observability = how the problem is detected now and how success was
 * measured. A story's words are its own, not the bank's, so these cues stand in for topic vocabulary.
 */
export const STORY_CUES: Record<string, CueList> = {
  principle: [
    /\b(?:root cause|turned out|traced (?:it|this|the \w+) (?:back )?to|the (?:real )?(?:problem|issue|cause) was|was caused by|because)\b|根因|原因|原来是|问题出在|导致|因为/,
    /\b(?:why|mechanism|the reason|it happened|failure mode|we learned that|i realised|i realized)\b|为什么|机制|我意识到|发现/,
    /\b(?:stakes|at risk|cost us|customers?|users?|revenue|deadline|escalat\w*|incident|outage|complain\w*)\b|客户|用户|损失|事故|投诉|风险|截止/,
  ],
  scenario: [
    /\b(?:decided|decision|chose|choose|picked|went with|opted)\b|决定|选择|选了|拍板/,
    /\b(?:instead of|rather than|option|alternative|considered|rejected|ruled out|trade-?off|pushed back)\b|而不是|方案|备选|放弃|否决|权衡|取舍|反对/,
    /\b(?:constraint|budget|deadline|latency|cost|risk|compliance|privacy|headcount)\b|约束|预算|成本|延迟|合规|隐私|人力/,
    /\b(?:i (?:argued|proposed|recommended|convinced|negotiated|suggested))\b|我(?:提出|建议|说服|主张|坚持)/,
  ],
  engineering: [
    /\bi (?:built|wrote|implemented|designed|shipped|added|set up|migrated|rewrote|prototyped|owned|led|ran|made)\b|我(?:搭建|实现|设计|写了|负责|主导|上线|加了|重写|牵头)/,
    /\b(?:built|implemented|shipped|deployed|rolled out|added|pipeline|service|tool|prompt|retriev\w*|fine-?tun\w*|guardrail\w*|fallback)\b|搭建|实现|上线|部署|灰度|流水线|检索|微调|兜底/,
    /\b(?:rollout|roll(?:ed)? back|canary|staged|feature flag|pilot|beta)\b|回滚|灰度|试点|内测/,
  ],
  observability: [
    /\b(?:measured|metric|kpi|dashboard|alert\w*|monitor\w*|tracked|eval\w*|a\/b|experiment|baseline)\b|衡量|指标|看板|告警|监控|评估|评测|实验|基线/,
    /\d+(?:\.\d+)?\s*(?:%|x|×|pp|points?|min(?:ute)?s?|hours?|days?|weeks?|ms|s)\b|\d+(?:\.\d+)?\s*(?:%|倍|分钟|小时|天|周)/,
    /\b(?:from \S+ to \S+|->|→|reduced|increased|dropped|cut|improved|doubled|halved|went (?:up|down))\b|从.{1,12}(?:降|升|提)到|下降|提升|降低|减少/,
    /\b(?:should have|would (?:do|have done) (?:it )?differently|in hindsight|next time|lesson|mistake|regret|i missed|miss)\b|如果重来|教训|应该早|下次|反思|失误/,
  ],
}

/** First-person singular and plural pronouns: a story says what the candidate did, not only what "we" did. */
export const FIRST_PERSON = { singular: /\b(?:i|i'm|i've|i'd|my|me)\b|我(?!们)/g, plural: /\b(?:we|we're|we've|we'd|our|us)\b|我们/g }

/** The grams of the text cues were counted in last (the same text is counted for each rung). */
const cueText = new TextGrams()
/** Each list's screens (see {@link LazyScreens}). */
const screens = new WeakMap<CueList, LazyScreens>()

/**
 * How many cues of `list` occur in `text` (each counts once). A cue none of whose required literals can be in
 * the text (see {@link LiteralScreen}) cannot match and is not run: the count is that of testing every
 * pattern, without running most of them. Cue patterns are not global (`test` keeps no state).
 */
export function countCues(list: CueList, text: string): number {
  let lazy = screens.get(list)
  if (lazy === undefined) screens.set(list, (lazy = new LazyScreens(list)))
  const gates = lazy.screens()
  if (gates === undefined) {
    let n = 0
    for (const re of list) if (re.test(text)) n++
    return n
  }
  cueText.load(text)
  let n = 0
  for (let k = 0; k < gates.length; k++) {
    const gate = gates[k]!
    if (gate.mayMatch(cueText) && gate.re.test(text)) n++
  }
  return n
}
