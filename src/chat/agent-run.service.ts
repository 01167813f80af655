import { randomUUID } from 'node:crypto';
import { BadRequestException, Injectable } from '@nestjs/common';
import { AgentError, AgentErrorCode } from '../agent/agent.error';
import { AgentRegistry } from '../agent/agent.registry';
import { AgentRunner } from '../agent/engine/agent-runner';
import type { RunFailure } from '../agent/run-events';
import { RunQuota } from '../quota/run-quota';
import type { AgentStep } from './agent-step.dto';
import type { RunAgentRequest } from './run-agent.dto';

const AGENT_ERROR_CODES: ReadonlySet<string> = new Set(Object.values(AgentErrorCode));

/** Runs one turn without a chat: nothing is claimed or stored, the finished steps are the whole answer. */
@Injectable()
export class AgentRunService {
  constructor(
    private readonly runner: AgentRunner,
    private readonly registry: AgentRegistry,
    private readonly quota: RunQuota,
  ) {}

  /** Resolves with the steps in order; rejects with the run's AgentError when it fails. */
  async run(userId: string, dto: RunAgentRequest, signal: AbortSignal): Promise<AgentStep[]> {
    this.assertAgent(dto.agent);
    const chatId = dto.chat_id ?? `rest-${randomUUID()}`;
    const runId = randomUUID();
    await this.quota.acquire(userId, runId);
    try {
      const steps: AgentStep[] = [];
      for await (const event of this.runner.run({ chatId, runId, input: dto.task, agentId: dto.agent, signal, protocol: 'rest' })) {
        if (event.type === 'step.finished') steps.push({ step_type: event.stepType, content: event.content });
        else if (event.type === 'run.failed') throw toAgentError(event.error);
      }
      // A cancelled run (the client left) ends here too: nobody is left to read the partial answer.
      return steps;
    } finally {
      this.quota.release(userId, runId);
    }
  }

  /** Checked before running so an unknown agent is a bad request with details, like the other body fields. */
  private assertAgent(agentId: string | undefined): void {
    if (agentId === undefined || this.registry.has(agentId)) return;
    const known = this.registry.list().map((agent) => agent.id).join(', ');
    throw new BadRequestException({ code: AgentErrorCode.UnknownAgent, message: [`agent must be a registered agent: ${known}`] });
  }
}

/** The engine reports failures as plain data; the error filter maps AgentError codes to HTTP statuses. */
function toAgentError(failure: RunFailure): AgentError {
  const code = AGENT_ERROR_CODES.has(failure.code) ? (failure.code as AgentErrorCode) : AgentErrorCode.Internal;
  return new AgentError(code, failure.message);
}
