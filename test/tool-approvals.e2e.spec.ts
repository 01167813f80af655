import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilEnd, type Frame } from './support/chat-client';
import { databaseKinds } from './support/databases';
import { payments } from './support/approval.module';
import { alice, answer, as, calc, pay, sleep, toolMessages, until, useApprovalApp } from './support/approvals';
import { startTestApp, type TestApp } from './support/test-app';
import { TestSocket } from './support/ws-client';

const kinds = databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const);

describe.each(kinds)('tool approval on %s', (_name, database) => {
  // /chat runs the default agent: its calculator is marked by the operator; the payer's `pay` marks itself in code.
  const { app, model } = useApprovalApp(database, { TOOLS_REQUIRING_APPROVAL: 'calculator' });
  const rest = (path: string, init: RequestInit & { sub?: string } = {}) =>
    fetch(`${app().httpUrl}${path}`, { ...init, headers: { ...as(init.sub ?? 'alice'), 'content-type': 'application/json' } });
  const ask = async (chatId: string, messageId: string) => {
    const socket = await TestSocket.open(`${app().wsUrl}/chat/${chatId}`, alice);
    socket.send({ type: 'client', message: 'what is 6*7?', message_id: messageId });
    return { socket, request: await until(socket, 'approval_request') };
  };

  it('approve on /chat: the call runs, the model reads its result, the answer ends the message', async () => {
    model.enqueue(calc, answer('It is 42.'));
    const { socket, request } = await ask('ap-1', 'm1');
    expect(request).toMatchObject({ chat_id: 'ap-1', message_id: 'm1', tool: 'calculator', args: { expression: '6*7' } });
    await sleep(100);
    expect(model.requests).toHaveLength(1);
    socket.send({ type: 'approve', approval_id: request.approval_id });
    const frames = await untilEnd(socket, 'm1');
    expect(frames[0]).toEqual({ type: 'approval_result', chat_id: 'ap-1', message_id: 'm1', approval_id: request.approval_id, approved: true, reason: 'approved' });
    expect(frames.map((frame) => frame.step_type ?? frame.type)).toEqual(['approval_result', 'ActionStep', 'FinalAnswerStep', 'message_end']);
    expect(frames[2]!.message).toBe('It is 42.');
    expect(toolMessages(model, 1)).toContain('"result":"42"');
    // The history shows the steps, not the approval's bookkeeping.
    const history = (await (await rest('/history/ap-1')).json()) as Frame[];
    expect(history.map((row) => row.step_type ?? row.role)).toEqual(['user', 'ActionStep', 'FinalAnswerStep']);
    socket.close();
  });

  it('reject on /chat with a reason: the tool does not run, the model reads the reason', async () => {
    model.enqueue(calc, answer('Fine, I will not.'));
    const { socket, request } = await ask('ap-2', 'm2');
    socket.send({ type: 'reject', approval_id: request.approval_id, reason: 'do it in your head' });
    const frames = await untilEnd(socket, 'm2');
    expect(frames[0]).toMatchObject({ type: 'approval_result', approved: false, reason: 'do it in your head' });
    expect(frames[1]!.message).toContain('Error: The user rejected this call: do it in your head');
    expect(toolMessages(model, 1)).toContain('The user rejected this call: do it in your head');
    expect(toolMessages(model, 1)).not.toContain('"result"');
    // A second decision, and one on an id the chat never had, are refused with their codes.
    socket.send({ type: 'approve', approval_id: request.approval_id });
    expect(await socket.next()).toMatchObject({ type: 'agent_error', code: 'approval.already_decided' });
    socket.send({ type: 'approve', approval_id: 'nope' });
    expect(await socket.next()).toMatchObject({ type: 'agent_error', code: 'approval.unknown' });
    socket.sendMalformed(JSON.stringify({ type: 'reject', approval_id: request.approval_id }));
    expect(await socket.next()).toMatchObject({ type: 'agent_error', error: expect.stringMatching(/reason must be/) as string });
    socket.close();
  });

  it('REST: the owner lists and approves while a socket watches; others get nothing and 404; 409, 400', async () => {
    model.enqueue(calc, answer('42 it is.'));
    const { socket, request } = await ask('ap-3', 'm3');
    const id = String(request.approval_id);
    const listed = (await (await rest('/approvals?status=pending')).json()) as Frame[];
    expect(listed).toContainEqual({ approval_id: id, chat_id: 'ap-3', message_id: 'm3', tool: 'calculator', args: { expression: '6*7' }, requested_at: expect.any(String) as string });
    expect(await (await rest('/approvals?status=pending', { sub: 'mallory' })).json()).toEqual([]);
    expect((await rest('/approvals?status=done')).status).toBe(400);
    const foreign = await rest(`/approvals/${id}`, { method: 'POST', sub: 'mallory', body: JSON.stringify({ approved: true }) });
    expect([foreign.status, ((await foreign.json()) as Frame).code]).toEqual([404, 'approval.unknown']);
    expect((await rest(`/approvals/${id}`, { method: 'POST', body: JSON.stringify({ approved: 'yes' }) })).status).toBe(400);
    const decided = await rest(`/approvals/${id}`, { method: 'POST', body: JSON.stringify({ approved: true, reason: 'go ahead' }) });
    expect([decided.status, await decided.json()]).toEqual([200, { approval_id: id, chat_id: 'ap-3', approved: true, reason: 'go ahead' }]);
    const frames = await untilEnd(socket, 'm3');
    expect(frames[0]).toMatchObject({ type: 'approval_result', approved: true, reason: 'go ahead' });
    expect(frames.at(-2)!.message).toBe('42 it is.');
    const again = await rest(`/approvals/${id}`, { method: 'POST', body: JSON.stringify({ approved: false, reason: 'no' }) });
    expect([again.status, ((await again.json()) as Frame).code]).toEqual([409, 'approval.already_decided']);
    expect((await rest('/approvals/unknown-id', { method: 'POST', body: JSON.stringify({ approved: true }) })).status).toBe(404);
    expect(await (await rest('/approvals?status=pending')).json()).toEqual([]);
    socket.close();
  });

  it('a run cancelled while it waits ends with run.cancelled; the approval is gone', async () => {
    model.enqueue(calc);
    const { socket, request } = await ask('ap-4', 'm4');
    socket.send({ type: 'cancel', message_id: 'm4' });
    expect(await untilEnd(socket, 'm4')).toEqual([
      { type: 'agent_error', error: 'cancelled', chat_id: 'ap-4', message_id: 'm4' },
      { type: 'message_end', message_id: 'm4', chat_id: 'ap-4' },
    ]);
    expect(await (await rest('/approvals?status=pending')).json()).toEqual([]);
    const late = await rest(`/approvals/${String(request.approval_id)}`, { method: 'POST', body: JSON.stringify({ approved: true }) });
    expect(late.status).toBe(404);
    socket.close();
  });

  it('approve on /interact: approval_request and approval_result actions, then the tool call and the end of the turn', async () => {
    payments.length = 0;
    model.enqueue(pay(5), pay(50), answer('Paid.'));
    const socket = await TestSocket.open(`${app().wsUrl}/interact?keep_open=1`, alice);
    socket.send({ agentId: 'payer', convoId: 'ap-5', bucket: 'voiceglow-eu', prompt: 'pay bob 5 then 50' });
    const frames: Frame[] = [];
    let request: Frame | undefined;
    while (!request) {
      const frame = await socket.next<Frame>();
      frames.push(frame);
      if (frame.type === 'action' && (frame.action as Frame).type === 'approval_request') request = frame.action as Frame;
    }
    // 5 needs no approval (the tool's own rule): it ran at once; 50 waits.
    expect(payments).toContainEqual({ to: 'bob', amount: 5 });
    expect(request).toMatchObject({ tool: 'pay', args: { to: 'bob', amount: 50 } });
    expect(payments).not.toContainEqual({ to: 'bob', amount: 50 });
    socket.send({ convoId: 'ap-5', approval: { id: request.approvalId, approved: true } });
    const rest_: Frame[] = [];
    for (let frame = await socket.next<Frame>(); ; frame = await socket.next<Frame>()) {
      rest_.push(frame);
      if (frame.type === 'turn_end') break;
    }
    expect(rest_[0]).toMatchObject({ type: 'action', action: { type: 'approval_result', approvalId: request.approvalId, approved: true } });
    expect(rest_.find((frame) => frame.type === 'action' && (frame.action as Frame).type === 'tool_call')).toBeDefined();
    expect(rest_.at(-1)).toMatchObject({ type: 'turn_end', status: 'complete' });
    expect(payments).toContainEqual({ to: 'bob', amount: 50 });
    socket.send({ convoId: 'ap-5', approval: { id: request.approvalId, approved: false } });
    expect(await socket.next()).toMatchObject({ type: 'error', error: { code: 'interact.invalid_object' } });
    socket.close();
  });
});

describe('tool approval and the clocks', () => {
  const { app, model } = useApprovalApp(databaseKinds[0]!, { TOOLS_REQUIRING_APPROVAL: 'calculator', RUN_TIMEOUT_MS: '1500' });

  it('RUN_TIMEOUT_MS does not run while a person decides', async () => {
    model.enqueue(calc, answer('42.'));
    const socket = await TestSocket.open(`${app().wsUrl}/chat/clock-1`, alice);
    socket.send({ type: 'client', message: 'what is 6*7?', message_id: 'c1' });
    const request = await until(socket, 'approval_request');
    await sleep(2500);
    socket.send({ type: 'approve', approval_id: request.approval_id });
    const frames = await untilEnd(socket, 'c1');
    expect(frames.map((frame) => frame.step_type ?? frame.type)).toEqual(['approval_result', 'ActionStep', 'FinalAnswerStep', 'message_end']);
    socket.close();
  });
});

describe('APPROVAL_TIMEOUT_MS', () => {
  const { app, model } = useApprovalApp(databaseKinds[0]!, { TOOLS_REQUIRING_APPROVAL: 'calculator', APPROVAL_TIMEOUT_MS: '300' });

  it('turns silence into a rejection the model reads', async () => {
    model.enqueue(calc, answer('Nobody answered.'));
    const socket = await TestSocket.open(`${app().wsUrl}/chat/late-1`, alice);
    socket.send({ type: 'client', message: 'what is 6*7?', message_id: 'l1' });
    const frames = await untilEnd(socket, 'l1');
    expect(frames[1]).toMatchObject({ type: 'approval_result', approved: false, reason: 'no decision came within 300 ms' });
    expect(toolMessages(model, 1)).toContain('The user rejected this call: no decision came within 300 ms');
    socket.close();
  });
});

describe('the built-in offline model and the demo send_message tool', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('asks before sending, sends once approved, and says so; a rejection is read back', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/chat/demo-1`, alice);
    socket.send({ type: 'client', message: 'Send a message to Alice Moreau: see you at 3', message_id: 'd1' });
    const request = await until(socket, 'approval_request');
    expect(request).toMatchObject({ tool: 'send_message', args: { to: 'Alice Moreau', text: 'see you at 3' } });
    socket.send({ type: 'approve', approval_id: request.approval_id });
    expect((await untilEnd(socket, 'd1')).at(-2)!.message).toMatch(/^Sent to Alice Moreau \(.+@.+\): "see you at 3"$/);
    socket.send({ type: 'client', message: 'send a message to Alice Moreau: never mind', message_id: 'd2' });
    const second = await until(socket, 'approval_request');
    socket.send({ type: 'reject', approval_id: second.approval_id, reason: 'I will call her instead' });
    expect((await untilEnd(socket, 'd2')).at(-2)!.message).toBe('I did not do it: I will call her instead');
    socket.close();
  });
});
