import { stem } from './stem.js'

// Everyday English words (beyond stop words) that carry no technical content: a sentence made of them and
// one key-point name says nothing about the topic. Roughly the general-service vocabulary of English.
const EN = `
ability able absolutely accept actually add advice afraid after again age ago agree ahead allow almost alone
along already although always amazing amount anybody anyone anything anyway anywhere approach area argue
around ask aspect available average avoid aware away awful bad badly basically bear beat beautiful become
behind believe belong benefit best better bit blame body bother bottom bring busy call care career careful
carefully carry cause certain certainly chance change claim clear clearly colleague come comfortable common
commonly company complete completely concern consider continue conversation cool correct could couple course
crazy dear definitely degree develop difference difficult discuss discussion do done doubt down easily easy
effect effort either else enjoy enough especially essential even event eventually ever every everybody
everyone everything everywhere exactly excellent except expect experience extra extremely face fact fair
fairly fall familiar far feel few figure find fine finish firm focus forget forward fully fun future gain
general generally get give glad go goal going gone good great greatly grow guess guy hand happen happy hard
hardly hate head hear heard help hit honest honestly hope idea imagine important impossible indeed instead
interest interesting involve issue job join just kind know knowledge known lack largely learn lesson let
likely listen little live look lose lot love luck manner matter maybe mean meaning means meet member mention
mind miss mistake moment mostly much must name naturally nearly necessary need never new nice note nothing
notice obvious obviously offer often ok okay old opinion ordinary organisation organization original otherwise
overall overlook own pain part particular particularly pass past people perfect perhaps period person personal
personally picture piece place play please plenty popular possible possibly practice pretty probably problem
professional project proper properly prove purpose put quick quickly quite rarely rather read ready real
realise realize really reason reasonable recent recently recognise recognize recommend regard relate
relatively remain remember rest right rough round say see seem seen sense serious seriously settle several
show side sign significant simple simply since situation skill slightly smart social someone something
sometimes somewhat soon sound speak spend spent stand stay still story strong stuff suddenly suggest suit
suppose sure surely surprise take talk team tell tend terrible thank thing think though thought time together
totally touch towards trouble true truly try turn turned typical typically understand unless until usual
usually various wait walk want way well whatever whole wide will win wish wonder work worry worth write wrong
yes young
`

// Everyday Chinese words (as character bigrams, the unit the judge compares).
const ZH = `
经验 真正 重要 东西 团队 这里 很多 上面 踩过 过坑 实际 工作 确实 带来 差别 说实 实话 非常 认真 处理 问题 应该 放在
心上 肯定 提到 因为 几乎 每次 讨论 涉及 当然 整体 部分 一点 业内 人人 知道 时间 我们 他们 你们 自己 什么 怎么 如何
为什 什么 可能 需要 觉得 认为 其实 所以 但是 因此 然后 如果 虽然 已经 还是 或者 以及 比较 特别 一般 通常 主要 基本
方面 情况 事情 东西 时候 地方 方法 方式 结果 原因 目的 意义 作用 影响 关系 过程 部分 全部 一样 不同 相同 重点 关键
做好 保持 简单 至关 关重 尤其 其是 主要 依靠 最后 认为 我认为 对于 要把 说到 进行 这个 一个 这样 那么 那个 这些 那些
还有 另外 此外 而且 并且 同时 首先 其次 然后 接着 最终 总之 总的 来说 一下 一些 有些 有的 任何 每个 所有 很多 很大
非常 比较 特别 真的 确实 肯定 一定 应该 需要 必须 可能 也许 大概 基本 基本上 其实 当然 只是 只要 只有 就是 还是 或是
如何 怎样 为何 是否 能否 多少 哪些 哪个 什么 为了 因为 所以 但是 不过 虽然 如果 假如 即使 除了 通过 根据 按照 关于
做法 办法 东西 地方 时候 时间 一点 一起 之前 之后 以后 以前 现在 目前 当时 后来 一直 已经 开始 继续 出现 发生 存在
问题 情况 事情 工作 实际 实践 经验 团队 大家 别人 人们 用户们 自己 我们 你们 他们 它们 这里 那里 哪里 整体 整个
业内 人人 知道 了解 理解 明白 觉得 感觉 发现 看到 听说 说明 表示 提到 讨论 涉及 放在 心上 踩过 过坑 带来 差别 差异
`

/** Stems of everyday English words and common Chinese bigrams: never evidence of topical content. */
export const COMMON_WORDS: ReadonlySet<string> = new Set([
  ...EN.split(/\s+/).filter(Boolean).map(stem),
  ...ZH.split(/\s+/).filter(Boolean),
])
