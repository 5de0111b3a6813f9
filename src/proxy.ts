/**
 * Proxy support for self-hosted runners. Which proxy applies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY,
 * loopback bypass) is decided by @actions/http-client's own rules, so the action routes exactly
 * like the rest of the toolkit. The tunnel itself is a plain CONNECT, so that our timeouts and
 * socket handling cover it too.
 */
import * as http from 'node:http'
import * as https from 'node:https'
import type { Socket } from 'node:net'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { NetworkError, TimeoutError } from './errors.js'

export function proxyFor(target: URL): URL | undefined {
  return getProxyUrl(target)
}

export function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80')
}

/** Opens a CONNECT tunnel through `proxy` to `target`'s host and port. */
export function openTunnel(proxy: URL, target: URL, operation: string, timeoutMs: number): Promise<Socket> {
  const authority = `${target.hostname}:${defaultPort(target)}`
  const headers: Record<string, string> = { host: authority }
  if (proxy.username || proxy.password) {
    const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
    headers['proxy-authorization'] = `Basic ${Buffer.from(user).toString('base64')}`
  }
  const transport = proxy.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const req = transport.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: defaultPort(proxy),
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false
    })
    req.setTimeout(timeoutMs, () => req.destroy(new TimeoutError(operation, 'answer from the proxy', timeoutMs)))
    req.once('connect', (res, socket) => {
      req.setTimeout(0)
      if (res.statusCode === 200) return resolve(socket)
      socket.destroy()
      reject(new NetworkError(operation, 'EPROXY', `the proxy answered ${res.statusCode} to CONNECT ${authority}`))
    })
    req.once('error', error => reject(error))
    req.end()
  })
}
