// A controller and two real agents, each serving its metrics on a free loopback port, for the
// metrics tests (the controller harness's stack has no metrics endpoints).
import * as fs from 'node:fs';
import type { ControlClient } from '../../../core/rpc/gen/control.js';
import { startAgent, type AgentHandle } from '../../../core/agent/main.js';
import { startController, type ControllerHandle } from '../../../core/controller/main.js';
import { controlClient, TEST_TEMPLATE_POLICY, TOKEN } from '../controller/harness.js';

export interface MetricsStack {
  home: string;
  ctl: ControllerHandle;
  agents: AgentHandle[];
  client: ControlClient;
  stop(): Promise<void>;
}

export async function startMetricsStack(home: string, taskLabelLimit?: number): Promise<MetricsStack> {
  const agents: AgentHandle[] = [];
  let ctl: ControllerHandle | null = null;
  let client: ControlClient | null = null;
  const stop = async () => {
    client?.close();
    await ctl?.stop();
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    for (let i = 1; i <= 2; i++) {
      agents.push(
        await startAgent({
          name: `node-${i}`,
          home,
          listen: `unix://${home}/agent-${i}.sock`,
          token: TOKEN,
          labels: { zone: 'upstream' },
          portRange: [23000 + i * 100, 23000 + i * 100 + 99],
          metricsListen: '127.0.0.1:0',
          taskLabelLimit,
        }),
      );
    }
    ctl = await startController({
      home,
      listen: `unix://${home}/controller.sock`,
      token: TOKEN,
      agents: agents.map((a) => a.address),
      templatePolicy: TEST_TEMPLATE_POLICY,
      metricsListen: '127.0.0.1:0',
      taskLabelLimit,
    });
    client = controlClient(ctl.address);
  } catch (e) {
    await stop();
    throw e;
  }
  return { home, ctl, agents, client, stop };
}

/** host:port of an endpoint URL (http://host:port/metrics), as a Prometheus target. */
export const targetOf = (url: string | undefined): string => new URL(url!).host;

export async function scrape(url: string | undefined): Promise<string> {
  const res = await fetch(url!);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.text();
}
