// A forward proxy on loopback, as on a self-hosted runner behind a corporate proxy. It answers
// CONNECT only, and maps test host names (api.coreclaw.test, storage.coreclaw.test) to the
// sandbox's addresses: names that nothing else can resolve, so only the proxy route works.
import * as http from 'node:http'
import * as net from 'node:net'

/**
 * @param {{ hosts: Record<string, string>, auth?: string }} options
 *   hosts: host name → "address:port"; auth: "user:password" the proxy requires, if any.
 */
export async function startProxy({ hosts, auth }) {
  /** @type {Array<{ target: string, authorized: boolean }>} */
  const connects = []
  const sockets = new Set()
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { allow: 'CONNECT' })
    res.end('this proxy only tunnels (CONNECT)\n')
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('connect', (req, client, head) => {
    const target = req.url ?? ''
    const expected = auth && `Basic ${Buffer.from(auth).toString('base64')}`
    const authorized = !expected || req.headers['proxy-authorization'] === expected
    connects.push({ target, authorized })
    if (!authorized)
      return client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n')
    const mapped = hosts[target.replace(/:\d+$/, '')]
    if (!mapped) return client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
    const [host, port] = [mapped.slice(0, mapped.lastIndexOf(':')), Number(mapped.slice(mapped.lastIndexOf(':') + 1))]
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://${auth ? `${auth}@` : ''}127.0.0.1:${port}`,
    /** Every CONNECT the proxy received, in order. */
    connects,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(() => resolve(undefined)))
    }
  }
}
