import { Injectable } from '@nestjs/common';
import type { ApprovalDecision, ApprovalRequest } from '../agent/engine/approvals';

/**
 * The reason a run waiting for approval is stopped with at shutdown: its end is not stored, so the log still has it in
 * flight and the next instance continues it (see RunRebuild).
 */
export const SUSPENDED = 'suspended until the server is back';

/** What a decision sent to this instance found. */
export type DeliveryOutcome = 'decided' | 'already_decided' | 'unknown';

interface Gate {
  chatId: string;
  runId: string;
  decided: boolean;
  resolve(decision: ApprovalDecision): void;
  /** Settled once the run stored the decision (or ended without it). */
  stored: Promise<void>;
  markStored(): void;
}

/**
 * Where the runs of this instance wait for approvals. A decision reaches the gate through the chat's writer
 * (whichever instance it arrived on); the request itself reaches clients through the event log. A gate stays,
 * decided, until its run ends, so a second decision is told it came too late rather than that nothing waits.
 */
@Injectable()
export class ApprovalGates {
  private readonly gates = new Map<string, Gate>();

  /** The decider of one run (see AgentRunner's RunRequest.approvals). */
  deciderFor(chatId: string, runId: string) {
    return (request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> =>
      new Promise((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason as Error);
        let markStored = () => undefined as void;
        const stored = new Promise<void>((done) => (markStored = done));
        const abort = () => {
          this.gates.delete(request.approvalId);
          markStored();
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', abort, { once: true });
        const settle = (decision: ApprovalDecision) => {
          signal.removeEventListener('abort', abort);
          resolve(decision);
        };
        this.gates.set(request.approvalId, { chatId, runId, decided: false, resolve: settle, stored, markStored });
      });
  }

  /** Hands a decision to the waiting run; resolves once the run has stored it. */
  async deliver(chatId: string, approvalId: string, decision: ApprovalDecision): Promise<DeliveryOutcome> {
    const gate = this.gates.get(approvalId);
    if (!gate || gate.chatId !== chatId) return 'unknown';
    if (gate.decided) return 'already_decided';
    gate.decided = true;
    gate.resolve(decision);
    await gate.stored;
    return 'decided';
  }

  /** Whether the run waits for a decision now. */
  waiting(runId: string): boolean {
    return [...this.gates.values()].some((gate) => gate.runId === runId && !gate.decided);
  }

  /** The run stored the decision: whoever sent it may be answered. */
  stored(approvalId: string): void {
    this.gates.get(approvalId)?.markStored();
  }

  /** The run ended: its gates go, and anyone still waiting for a storage is answered. */
  release(runId: string): void {
    for (const [approvalId, gate] of this.gates) {
      if (gate.runId !== runId) continue;
      gate.markStored();
      this.gates.delete(approvalId);
    }
  }
}
