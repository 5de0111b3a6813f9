// A stand-in for @actions/exec under @actions/core, through package.json's "overrides".
// @actions/core imports it at the top level for `core.platform.getDetails()`, which runs PowerShell
// or sw_vers to name the runner's OS; this action never calls it. The real package brings
// @actions/io, child_process, assert and dgram into every step's start-up. If anything ever does
// call it, it says so.
export function getExecOutput() {
  throw new Error('@actions/exec is not bundled with this action: @actions/core platform.getDetails() is not supported')
}
export function exec() {
  throw new Error('@actions/exec is not bundled with this action')
}
