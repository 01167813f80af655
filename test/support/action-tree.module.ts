import { Injectable, Module } from '@nestjs/common';
import { z } from 'zod';
import { Action, ActionReturn, type ActionClass } from '../../src/agent/actions/action';
import { InteractiveAction } from '../../src/agent/actions/action.decorators';
import type { InteractiveContext } from '../../src/agent/actions/interactive-context';
import { InteractiveAgent, InteractiveRouter } from '../../src/interactive/router.decorators';

/** A provider actions get by injection: a meeting point two concurrent actions must both reach before either goes on. */
@Injectable()
export class Rendezvous {
  private waiting: Array<() => void> = [];

  arrive(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length < count) return;
      for (const release of this.waiting) release();
      this.waiting = [];
    });
  }
}

const stepArgs = z.object({ label: z.string().describe('What to call this step'), outcome: z.enum(['go', 'break', 'end', 'throw']).default('go') });

@InteractiveAction({ description: 'One step.', args: stepArgs })
export class Step extends Action {
  label!: string;
  outcome!: 'go' | 'break' | 'end' | 'throw';

  override async pre(context: InteractiveContext): Promise<ActionReturn> {
    await context.notify({ step: this.label });
    if (this.outcome === 'throw') throw new Error(`step ${this.label} failed`);
    return this.outcome as ActionReturn;
  }

  override async post(context: InteractiveContext): Promise<ActionReturn> {
    await context.notify({ after: this.label });
    return ActionReturn.GO;
  }
}

@InteractiveAction({ description: 'Runs steps one after another.', children: [Step] })
export class Steps extends Action {
  override async post(context: InteractiveContext): Promise<ActionReturn> {
    await context.notify({ post: 'Steps' });
    return ActionReturn.GO;
  }
}

@InteractiveAction({ description: 'A step that meets its siblings halfway.', args: z.object({ label: z.string() }) })
export class MeetingStep extends Action {
  label!: string;

  constructor(private readonly rendezvous: Rendezvous) {
    super();
  }

  override async pre(context: InteractiveContext): Promise<ActionReturn> {
    await context.notify({ arrived: this.label });
    await this.rendezvous.arrive(2);
    await context.notify({ left: this.label });
    return ActionReturn.GO;
  }
}

@InteractiveAction({ description: 'Runs its steps at the same time.', children: [MeetingStep] })
export class Together extends Action {
  static override concurrent = true;
}

@InteractiveAction({ description: 'Loops over steps until the model answers.', children: [Step] })
export class Loop extends Action {
  static override maxIterations = 3;
}

@InteractiveAction({ description: 'Handles what goes wrong below it.', children: [Step] })
export class Careful extends Action {
  override async fallback(context: InteractiveContext, text: string): Promise<ActionReturn> {
    await context.notify({ fallback: text.toUpperCase() });
    return ActionReturn.GO;
  }

  override async onError(context: InteractiveContext, error: unknown): Promise<ActionReturn> {
    await context.notify({ recovered: (error as Error).message });
    return ActionReturn.BREAK;
  }
}

@InteractiveAction({ description: 'The middle level.', args: z.object({ topic: z.string() }), children: [Step] })
export class Middle extends Action {}

@InteractiveAction({ description: 'The top level.', children: [Middle] })
export class Outer extends Action {
  override async pre(context: InteractiveContext): Promise<ActionReturn> {
    await context.addMessage('user', 'a note from the top level');
    return ActionReturn.GO;
  }
}

@InteractiveAction({ description: 'Asks the model itself.' })
export class Writer extends Action {
  override async pre(context: InteractiveContext): Promise<ActionReturn> {
    const text = await context.llm.generateText('Write a haiku');
    const object = await context.llm.generateObject(z.object({ mood: z.string() }), 'Rate the mood');
    await context.notify({ text, object });
    return ActionReturn.GO;
  }
}

@InteractiveAction({ description: 'Meets its steps at the same time, in a loop, then asks the model and the user.', children: [MeetingStep] })
export class Trip extends Action {
  static override concurrent = true;
  static override maxIterations = 2;

  override async post(context: InteractiveContext): Promise<ActionReturn> {
    const weather = await context.llm.generateText('How is the weather?');
    const answer = await context.waitForInput({ question: `${weather}: go?` });
    await context.notify({ answer: answer.message });
    return ActionReturn.GO;
  }
}

@Injectable()
@InteractiveRouter('/tree')
export class TreeRouter {
  @InteractiveAgent('/steps')
  steps(context: InteractiveContext): Promise<void> {
    return this.run(context, Steps);
  }

  @InteractiveAgent('/together')
  together(context: InteractiveContext): Promise<void> {
    return this.run(context, Together);
  }

  @InteractiveAgent('/loop')
  loop(context: InteractiveContext): Promise<void> {
    return this.run(context, Loop);
  }

  @InteractiveAgent('/careful')
  careful(context: InteractiveContext): Promise<void> {
    return this.run(context, Careful);
  }

  @InteractiveAgent('/outer')
  outer(context: InteractiveContext): Promise<void> {
    return this.run(context, Outer);
  }

  @InteractiveAgent('/writer')
  writer(context: InteractiveContext): Promise<void> {
    return this.run(context, Writer);
  }

  @InteractiveAgent('/trip')
  trip(context: InteractiveContext): Promise<void> {
    return this.run(context, Trip);
  }

  private async run(context: InteractiveContext, root: ActionClass): Promise<void> {
    const [, result] = await context.start(root);
    await context.notify({ event: 'context', result, data: context.serialize() });
  }
}

/** Actions of every kind for test/action-tree.e2e.spec.ts, mounted below /base/tree. */
@Module({ providers: [Rendezvous, TreeRouter] })
export class ActionTreeTestModule {}
