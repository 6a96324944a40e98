// The entry point of a node's worker thread: starts the member described by workerData and
// relays the supervisor's commands to it. A failure to start is reported, never thrown away.

import { parentPort, workerData } from 'node:worker_threads';
import type { ControlCommand, NodeWorkerConfig, WorkerEvent } from './control-protocol.js';
import { Member } from './member.js';

const port = parentPort;
if (port === null) throw new Error('node-worker must run in a worker thread');
const config = workerData as NodeWorkerConfig;
const pauseFlag = new Int32Array(config.pauseFlag);
const post = (event: WorkerEvent): void => port.postMessage(event);

const pending: Exclude<ControlCommand, { type: 'stop' }>[] = [];
let member: Member | null = null;
port.on('message', (command: ControlCommand) => {
  if (command.type === 'stop') void stop();
  else if (member) member.handle(command, pauseFlag);
  else pending.push(command);
});

/** Stops the member (once it has started), then lets the thread end by itself (process.exit could lose logs). */
async function stop(): Promise<void> {
  const started = await starting.catch(() => null);
  await started?.stop();
  post({ type: 'stopped' });
  port!.close();
}

const starting = Member.start(config, post);
starting.then(
  (started) => {
    member = started;
    for (const command of pending.splice(0)) started.handle(command, pauseFlag);
  },
  (error: Error) => post({ type: 'fatal', message: error.message }),
);
