// The Baton task SDK: the task side of task.proto, and simple data channels.
export { runTask, Task, type Args, type TaskHandlers, type RunOptions } from './task.js';
export { Channel, parseEndpoint, type Endpoint } from './channels.js';
export { FrameReader, frameHeader } from './frames.js';
