// The entry of the `ctl` subcommand for the main CLI: runCtl and the types of its io.

export { runCtl, ETCDCTL_COMPATIBLE_VERSION, type CtlIo, type CtlWritable } from './run-ctl.js';
