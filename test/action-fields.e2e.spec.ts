import { Injectable, Module } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Action, ActionReturn } from '../src/agent/actions/action';
import { InteractiveAction } from '../src/agent/actions/action.decorators';
import type { InteractiveContext } from '../src/agent/actions/interactive-context';
import { InteractiveAgent, InteractiveRouter } from '../src/interactive/router.decorators';
import { databaseKinds, type DatabaseKind } from './support/databases';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

// Declared before its children: they are named lazily.
@InteractiveAction({ description: 'The front desk of a restaurant.', children: () => [Goodbye, PickWishes] })
class FrontDesk extends Action {}

@InteractiveAction({ description: 'The guest is leaving.' })
class Goodbye extends Action {
  override async pre(context: InteractiveContext): Promise<ActionReturn> {
    await context.notify({ message: 'Goodbye!' });
    return ActionReturn.GO;
  }
}

@InteractiveAction({
  description: 'The guest says where they would like to sit.',
  args: z.object({ wishes: z.array(z.enum(['window', 'quiet'])).describe('Where to sit') }),
})
class PickWishes extends Action {
  wishes!: string[];

  override async pre(context: InteractiveContext): Promise<ActionReturn> {
    await context.notify({ message: `Noted: ${this.wishes.join(' and ')}` });
    return ActionReturn.GO;
  }
}

@Injectable()
@InteractiveRouter('/fields')
class FieldsRouter {
  @InteractiveAgent('/desk')
  async desk(context: InteractiveContext): Promise<void> {
    const [action] = await context.start(FrontDesk);
    await context.notify({ event: 'context', data: context.serialize([action]) });
  }
}

@Module({ providers: [FieldsRouter] })
class FieldsModule {}

const auth = { headers: { Authorization: `Bearer ${signToken('alice')}` } };

describe.each(databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const))('action fields on %s', (_name, kind: DatabaseKind) => {
  const model = new OpenAiCompatibleServer();
  let t: TestApp;
  const open = (session: string) => TestSocket.open(`${t.wsUrl}/base/fields/desk?message=hello&session_id=${session}`, auth);

  beforeAll(async () => {
    await model.start();
    t = await startTestApp({
      database: kind,
      imports: [FieldsModule],
      env: { MODEL_PROVIDER: 'openai-compatible', MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'test-model', MODEL_MAX_RETRIES: '0' },
    });
  });
  afterEach(() => {
    expect(model.pending(), 'every scripted reply was used').toBe(0);
    model.reset();
  });
  afterAll(async () => {
    await t.close();
    await model.stop();
  });

  it('offers the model a child with no fields and one with an array field, each with its schema', async () => {
    model.enqueue({ kind: 'tool_calls', calls: [{ name: 'Goodbye', arguments: {} }] });
    const socket = await open('s-schemas');
    expect(await socket.next()).toEqual({ message: 'Goodbye!' });
    expect(await socket.next()).toEqual({ event: 'context', data: [{ name: 'Goodbye', fields: {} }] });
    const tools = model.requests[0]!.body.tools!.map((tool) => [tool.function.name, tool.function.parameters]);
    expect(tools).toEqual([
      ['Goodbye', { type: 'object', properties: {}, required: [], additionalProperties: false }],
      [
        'PickWishes',
        {
          type: 'object',
          properties: { wishes: { type: 'array', items: { type: 'string', enum: ['window', 'quiet'] }, description: 'Where to sit' } },
          required: ['wishes'],
          additionalProperties: false,
        },
      ],
    ]);
    expect(await socket.closed).toEqual({ code: 1000, reason: 'done' });
  });

  it('runs the child the model fills an array field for', async () => {
    model.enqueue({ kind: 'tool_calls', calls: [{ name: 'PickWishes', arguments: { wishes: ['window', 'quiet'] } }] });
    const socket = await open('s-wishes');
    expect(await socket.next()).toEqual({ message: 'Noted: window and quiet' });
    expect(await socket.next()).toEqual({ event: 'context', data: [{ name: 'PickWishes', fields: { wishes: ['window', 'quiet'] } }] });
    expect(await socket.closed).toEqual({ code: 1000, reason: 'done' });
  });

  it('tells the model why its arguments were refused, then runs its second choice', async () => {
    model.enqueue(
      { kind: 'tool_calls', calls: [{ name: 'Goodbye', arguments: { reason: 'full' } }] },
      { kind: 'tool_calls', calls: [{ name: 'PickWishes', arguments: { wishes: ['window'] } }] },
    );
    const socket = await open('s-refused');
    expect(await socket.next()).toEqual({ message: 'Noted: window' });
    expect(await socket.next()).toEqual({ event: 'context', data: [{ name: 'PickWishes', fields: { wishes: ['window'] } }] });
    expect(JSON.stringify(model.requests[1]!.body.messages)).toContain(
      'Your choice Goodbye was refused: reason is not a field of Goodbye (it has no fields). Choose again.',
    );
  });
});
