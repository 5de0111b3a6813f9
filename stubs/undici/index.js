// A stand-in for undici, through package.json's "overrides". @actions/http-client imports undici's
// ProxyAgent at the top level for getAgentDispatcher(), which this action never calls (it uses
// HttpClient and its tunnel agent for proxies). The real undici is most of the bundle and cost every
// step its parse time (actions/toolkit#1621, #1697). If anything ever does construct it, it says so.
export class ProxyAgent {
  constructor() {
    throw new Error(
      'undici is not bundled with this action: @actions/http-client getAgentDispatcher() is not supported'
    )
  }
}
