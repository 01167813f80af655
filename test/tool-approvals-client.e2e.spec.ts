import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { GatewayClient, type ChatServerFrame } from '../client/src';
import { answer, calc, useApprovalApp } from './support/approvals';
import { databaseKinds } from './support/databases';
import { signToken } from './support/tokens';

describe('the typed client', () => {
  const { app, model } = useApprovalApp(databaseKinds[0]!, { TOOLS_REQUIRING_APPROVAL: 'calculator' });
  const client = () => new GatewayClient({ baseUrl: app().httpUrl, token: signToken('alice'), WebSocket });
  const requested = async (chat: AsyncIterable<ChatServerFrame>) => {
    for await (const frame of chat) if (frame.type === 'approval_request') return frame;
    throw new Error('the chat ended without an approval_request');
  };

  it('chat.approve and chat.reject decide, and the turn ends with the answer', async () => {
    model.enqueue(calc, answer('42.'), calc, answer('As you wish.'));
    const chat = client().chat('client-1');
    const first = chat.ask('what is 6*7?');
    chat.approve((await requested(first)).approval_id);
    expect(await first.answer()).toBe('42.');
    const second = chat.ask('and again?');
    const request = await requested(second);
    expect(() => chat.reject(request.approval_id, ' ')).toThrow(RangeError);
    chat.reject(request.approval_id, 'enough');
    expect(await second.answer()).toBe('As you wish.');
    expect((await second.done).find((frame) => frame.type === 'approval_result')).toMatchObject({ approved: false, reason: 'enough' });
    chat.close();
  });

  it('pendingApprovals and decideApproval over REST; interact.approve', async () => {
    model.enqueue(calc, answer('REST said yes.'));
    const gateway = client();
    const chat = gateway.chat('client-2');
    const turn = chat.ask('what is 6*7?');
    await requested(turn);
    const [pending] = await gateway.pendingApprovals();
    expect(pending).toMatchObject({ chat_id: 'client-2', tool: 'calculator' });
    expect(await gateway.decideApproval(pending!.approval_id, { approved: true })).toMatchObject({ approved: true, chat_id: 'client-2' });
    expect(await turn.answer()).toBe('REST said yes.');
    await expect(gateway.decideApproval(pending!.approval_id, { approved: true })).rejects.toMatchObject({ status: 409, code: 'approval.already_decided' });
    chat.close();

    model.enqueue(calc, answer('Interact said yes.'));
    const interact = gateway.interact({ convoId: 'client-3', agentId: 'assistant', bucket: 'voiceglow-eu' });
    const prompt = interact.prompt('what is 6*7?');
    for await (const frame of prompt) {
      if (frame.type === 'action' && frame.action.type === 'approval_request') interact.approve(frame.action.approvalId);
      if (frame.type === 'turn_end') expect(frame.status).toBe('complete');
    }
    interact.close();
  });
});
