/**
 * Proxy support for self-hosted runners. Which proxy applies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY,
 * loopback bypass) is decided by @actions/http-client's own rules, so the action routes exactly
 * like the rest of the toolkit. The tunnel itself is a plain CONNECT over our own connection, so
 * that our timeouts and error handling cover it too.
 */
import type { Socket } from 'node:net'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { exchange, portOf } from './connection.js'
import { NetworkError } from './errors.js'

export function proxyFor(target: URL): URL | undefined {
  return getProxyUrl(target)
}

/** Opens a CONNECT tunnel through `proxy` to `target`'s host and port. */
export async function openTunnel(proxy: URL, target: URL, operation: string, timeoutMs: number): Promise<Socket> {
  const authority = `${target.hostname}:${portOf(target)}`
  const headers: Record<string, string> = {}
  if (proxy.username || proxy.password) {
    const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
    headers['proxy-authorization'] = `Basic ${Buffer.from(user).toString('base64')}`
  }
  const answer = await exchange(
    proxy,
    { method: 'CONNECT', target: authority, host: authority, headers },
    { operation, timeoutMs }
  )
  if (answer.tunnel) return answer.tunnel
  answer.body.cancel()
  throw new NetworkError(operation, 'EPROXY', `the proxy answered ${answer.status} to CONNECT ${authority}`)
}
