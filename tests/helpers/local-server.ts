import type { Server as HttpServer } from 'node:http'
import type { AddressInfo, Server } from 'node:net'

/** Starts `server` on a free port of 127.0.0.1 and returns its base URL (`http://127.0.0.1:<port>`). */
export async function listenLocally(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Closes an http server started by a test, dropping its keep-alive connections so the close does not wait on them. */
export function closeHttpServer(server: HttpServer): Promise<void> {
  server.closeAllConnections()
  return new Promise<void>((r) => server.close(() => r()))
}
