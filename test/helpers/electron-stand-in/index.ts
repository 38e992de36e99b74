export { createElectronStandIn, StandInWebContents } from './stand-in';
export type { ElectronStandIn, ElectronStandInOptions, StandInCall, StandInIpcEvent, StandInWindow } from './stand-in';
export { loadWithStandIn } from './load-main';
export type { LoadedModule, ModuleLoad } from './load-main';
