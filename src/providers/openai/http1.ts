import type { IncomingHttpHeaders } from 'node:http'
import { connect, type Socket } from 'node:net'

/**
 * A keep-alive HTTP/1.1 client for the judge's own requests to a plain-http server (a local model, a
 * proxy on the same machine), the reply read whole. At a thousand calls a second node:http's machinery
 * per exchange (a ClientRequest and an IncomingMessage with their streams, the agent's bookkeeping, a dozen
 * listeners added and removed, the reply's bytes pushed through two Readables) cost about a quarter of the
 * main thread, more than building the request and reading the verdict together. Here a connection keeps
 * its listeners for its whole life, reads into one shared buffer (no socket stream), and an exchange is a
 * corked write and a parse of the reply.
 *
 * What it speaks: one request at a time per connection (no pipelining); replies framed by Content-Length,
 * chunked, or the end of the connection; 1xx interim replies skipped; `Connection: close` and HTTP/1.0
 * honoured; an idle connection dropped a second before the server's `Keep-Alive: timeout=` says it will
 * (4 s without one), so a request is not sent on a connection the server is closing. No proxies (mockint
 * supports none), upgrades or decompression (the judge asks for `accept-encoding: identity`). A connection
 * is opened per request in flight: the judge's concurrency bounds them, as it bounds the requests.
 */

/** A reply read whole: node:http's names for its parts, header names in lower case. */
export interface Http1Reply {
  status: number
  statusText: string
  headers: IncomingHttpHeaders
  body: Buffer
}

/** Where a request goes. */
export interface Http1Target {
  host: string
  port: number
  /** `host:port`: names the target's idle connections. */
  key: string
}

/** The most a reply's head (status line and headers) or a chunk-size line may take, as node:http's default. */
const MAX_HEAD = 16 * 1024
/** How long an idle connection is kept when the server gives no `Keep-Alive: timeout=`. */
const DEFAULT_IDLE_MS = 4000
const CRLF = Buffer.from('\r\n')
const HEAD_END = Buffer.from('\r\n\r\n')

export class Http1Client {
  readonly #idle = new Map<string, Connection[]>()
  /** Every connection reads into this, one callback at a time; what is kept is copied out. */
  readonly #readBuffer = Buffer.allocUnsafe(64 * 1024)

  /**
   * Sends `head` (request line and headers, ending in an empty line, in latin1 as node:http writes them)
   * and `body`, and reads the reply whole. Rejects with `signal.reason` once aborted (the connection is
   * dropped), and with a TypeError('fetch failed') over the socket's error (ECONNREFUSED, ECONNRESET, a
   * reply that is not HTTP/1.x, …), as undici does, so the SDK reports a connection error.
   */
  send(target: Http1Target, method: string, head: string, body: readonly Buffer[], signal?: AbortSignal): Promise<Http1Reply> {
    return new Promise<Http1Reply>((resolve, reject) => {
      const conn = this.#take(target)
      const exchange = new Exchange(method === 'HEAD', resolve, reject, signal)
      // A signal aborted already: rejected, and the new connection dropped, without sending anything.
      if (!conn.start(exchange)) return
      const socket = conn.socket
      socket.cork()
      socket.write(head, 'latin1')
      for (const part of body) socket.write(part)
      socket.uncork()
    })
  }

  /** An idle connection to `target` that the server should not be closing yet, else a new one. */
  #take(target: Http1Target): Connection {
    const key = target.key
    const idle = this.#idle.get(key)
    const now = Date.now()
    while (idle?.length) {
      const conn = idle.pop()!
      if (!conn.closed && now - conn.idleSince < conn.idleLimitMs) return conn
      conn.socket.destroy()
    }
    const socket = connect({
      host: target.host,
      port: target.port,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: 1000,
      onread: { buffer: this.#readBuffer, callback: (n: number) => conn.read(this.#copyOut(n)) },
    })
    const conn: Connection = new Connection(socket, (c) => this.#release(key, c), (c) => this.#forget(key, c))
    return conn
  }

  /** The first `n` bytes of the read buffer, copied (small ones from Buffer's pool). */
  #copyOut(n: number): Buffer {
    const out = Buffer.allocUnsafe(n)
    this.#readBuffer.copy(out, 0, 0, n)
    return out
  }

  #release(key: string, conn: Connection): void {
    let idle = this.#idle.get(key)
    if (!idle) this.#idle.set(key, (idle = []))
    idle.push(conn)
  }

  #forget(key: string, conn: Connection): void {
    const idle = this.#idle.get(key)
    const i = idle ? idle.indexOf(conn) : -1
    if (i >= 0) idle!.splice(i, 1)
  }
}

/** One socket, its listeners set once; carries one exchange at a time. */
class Connection {
  #exchange: Exchange | undefined
  closed = false
  idleSince = 0
  idleLimitMs = DEFAULT_IDLE_MS

  constructor(
    readonly socket: Socket,
    private readonly onIdle: (conn: Connection) => void,
    private readonly onClosed: (conn: Connection) => void,
  ) {
    socket.on('end', () => this.#ended())
    socket.on('error', (err) => this.#fail(err))
    socket.on('close', () => {
      this.closed = true
      if (this.#exchange) this.#fail(hangUp())
      this.onClosed(this)
    })
  }

  /** Takes `exchange` in hand; false when its signal was aborted already (it is rejected). */
  start(exchange: Exchange): boolean {
    this.#exchange = exchange
    this.socket.ref()
    exchange.listen(this)
    return this.#exchange === exchange
  }

  /** Bytes from the socket (a copy the connection may keep). Always true: keep reading. */
  read(data: Buffer): true {
    const x = this.#exchange
    // Bytes nobody asked for: the connection is not to be trusted with another request.
    if (!x) {
      this.socket.destroy()
      return true
    }
    let done = false
    try {
      done = x.feed(data)
    } catch (err) {
      this.#fail(err as Error)
    }
    if (done) this.#finish(x)
    return true
  }

  /** Aborts the exchange in flight: the connection is dropped, the request rejected with `reason`. */
  abort(reason: unknown): void {
    const x = this.#exchange
    if (!x) return
    this.#exchange = undefined
    this.socket.destroy()
    x.settle(undefined, reason)
  }

  #finish(x: Exchange): void {
    this.#exchange = undefined
    if (x.keepAlive && !this.closed) {
      this.idleSince = Date.now()
      this.idleLimitMs = x.idleLimitMs
      // An idle connection does not keep the process alive (as node:http's agent).
      this.socket.unref()
      this.onIdle(this)
    } else this.socket.destroy()
    x.settle(x.reply(), undefined)
  }

  /** The server closed its side: the end of a reply read until close, else a failure. */
  #ended(): void {
    const x = this.#exchange
    if (x?.untilClose) {
      x.keepAlive = false
      this.#finish(x)
    } else if (x) this.#fail(hangUp())
  }

  #fail(err: Error): void {
    const x = this.#exchange
    if (!x) return
    this.#exchange = undefined
    this.socket.destroy()
    x.settle(undefined, x.signal?.aborted ? x.signal.reason : new TypeError('fetch failed', { cause: err }))
  }
}

/** What node:http reports when the server closes a connection before its reply is complete. */
function hangUp(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
}

function protocolError(what: string): Error {
  return Object.assign(new Error(`the server's reply is not valid HTTP/1.1: ${what}`), { code: 'HPE_INVALID' })
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close' | 'done'

/** One request's reply as it arrives: a parser over the bytes of its connection. */
class Exchange {
  #state: State = 'head'
  /** Bytes of an incomplete head, chunk-size line or trailer line, kept for the next read. */
  #rest: Buffer | undefined
  #remaining = 0
  readonly #body: Buffer[] = []
  #status = 0
  #statusText = ''
  #headers: IncomingHttpHeaders = {}
  keepAlive = true
  idleLimitMs = DEFAULT_IDLE_MS
  #settled = false
  #onAbort: (() => void) | undefined

  constructor(
    private readonly head: boolean,
    private readonly resolve: (reply: Http1Reply) => void,
    private readonly reject: (reason: unknown) => void,
    readonly signal: AbortSignal | undefined,
  ) {}

  get untilClose(): boolean {
    return this.#state === 'until-close'
  }

  /** Ties the exchange to the caller's signal (one listener, removed when it settles). */
  listen(conn: Connection): void {
    const signal = this.signal
    if (!signal) return
    if (signal.aborted) return conn.abort(signal.reason)
    this.#onAbort = () => conn.abort(signal.reason ?? new DOMException('This operation was aborted', 'AbortError'))
    signal.addEventListener('abort', this.#onAbort, { once: true })
  }

  settle(reply: Http1Reply | undefined, error: unknown): void {
    if (this.#settled) return
    this.#settled = true
    if (this.#onAbort) this.signal!.removeEventListener('abort', this.#onAbort)
    if (reply) this.resolve(reply)
    else this.reject(error)
  }

  reply(): Http1Reply {
    const body = this.#body.length === 1 ? this.#body[0]! : Buffer.concat(this.#body)
    return { status: this.#status, statusText: this.#statusText, headers: this.#headers, body }
  }

  /** Parses what arrived; true once the reply is complete. Throws on bytes that are not an HTTP/1.x reply. */
  feed(data: Buffer): boolean {
    let buf = data
    if (this.#rest) {
      buf = Buffer.concat([this.#rest, data])
      this.#rest = undefined
    }
    let at = 0
    while (at < buf.length) {
      switch (this.#state) {
        case 'head': {
          const end = buf.indexOf(HEAD_END, at)
          if (end < 0) return this.#keep(buf, at)
          this.#readHead(buf.toString('latin1', at, end))
          at = end + 4
          break
        }
        case 'length':
        case 'chunk-data':
        case 'until-close': {
          const take = this.#state === 'until-close' ? buf.length - at : Math.min(this.#remaining, buf.length - at)
          this.#body.push(at === 0 && take === buf.length ? buf : buf.subarray(at, at + take))
          at += take
          this.#remaining -= take
          if (this.#state === 'length' && this.#remaining === 0) this.#state = 'done'
          else if (this.#state === 'chunk-data' && this.#remaining === 0) this.#state = 'chunk-end'
          break
        }
        case 'chunk-end': {
          if (buf.length - at < 2) return this.#keep(buf, at)
          if (buf[at] !== 13 || buf[at + 1] !== 10) throw protocolError('a chunk does not end with CRLF')
          at += 2
          this.#state = 'chunk-size'
          break
        }
        case 'chunk-size':
        case 'trailers': {
          const eol = buf.indexOf(CRLF, at)
          if (eol < 0) return this.#keep(buf, at)
          const line = buf.toString('latin1', at, eol)
          at = eol + 2
          if (this.#state === 'trailers') {
            if (line === '') this.#state = 'done'
            break
          }
          const size = line.split(';', 1)[0]!.trim()
          if (!/^[0-9a-fA-F]{1,12}$/.test(size)) throw protocolError(`bad chunk size "${size.slice(0, 20)}"`)
          this.#remaining = parseInt(size, 16)
          this.#state = this.#remaining === 0 ? 'trailers' : 'chunk-data'
          break
        }
        case 'done':
          // More than the reply: the server is out of step; this connection is not reused.
          this.keepAlive = false
          return true
      }
    }
    return this.#state === 'done'
  }

  /** Keeps an incomplete line or head for the next read; false (not done). */
  #keep(buf: Buffer, at: number): false {
    if (buf.length - at > MAX_HEAD) throw protocolError('header or chunk line too long')
    this.#rest = buf.subarray(at)
    return false
  }

  /** The status line and headers; sets how the body is framed. */
  #readHead(text: string): void {
    const lines = text.split('\r\n')
    const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]!)
    if (!m) throw protocolError(`status line "${lines[0]!.slice(0, 40)}"`)
    const status = Number(m[2])
    const headers: IncomingHttpHeaders = {}
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!
      const colon = line.indexOf(':')
      if (colon <= 0) throw protocolError(`header line "${line.slice(0, 40)}"`)
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      const had = headers[name]
      if (name === 'set-cookie') headers[name] = had === undefined ? [value] : [...(had as string[]), value]
      else headers[name] = had === undefined ? value : `${had}, ${value}`
    }
    // An interim reply (100 Continue, 103 Early Hints): the real one follows.
    if (status >= 100 && status < 200) return
    this.#status = status
    this.#statusText = m[3] ?? ''
    this.#headers = headers
    const connection = (headers.connection ?? '').toLowerCase()
    this.keepAlive = m[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection)
    const hint = /\btimeout=(\d+)/i.exec(String(headers['keep-alive'] ?? ''))
    if (hint) this.idleLimitMs = Math.max(0, Number(hint[1]) * 1000 - 1000)
    const encoding = headers['transfer-encoding']
    const length = headers['content-length']
    if (this.head || status === 204 || status === 304) this.#state = 'done'
    else if (encoding !== undefined) {
      if (/(?:^|,)\s*chunked\s*$/i.test(encoding)) this.#state = 'chunk-size'
      else {
        this.#state = 'until-close'
        this.keepAlive = false
      }
    } else if (length !== undefined) {
      const sizes = new Set(length.split(',').map((s) => s.trim()))
      const n = sizes.size === 1 ? [...sizes][0]! : ''
      if (!/^\d{1,15}$/.test(n)) throw protocolError(`content-length "${length.slice(0, 40)}"`)
      this.#remaining = Number(n)
      this.#state = this.#remaining === 0 ? 'done' : 'length'
    } else {
      this.#state = 'until-close'
      this.keepAlive = false
    }
  }
}
